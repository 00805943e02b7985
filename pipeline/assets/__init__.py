"""The Dagster asset graph, one module per layer, in the order the data flows:

    raw -> extracted -> harmonised -> reconciled -> published

Each module holds its layer's assets (its group in the Dagster UI); a module imports only the
layers before it. The assets wire pure functions of the domain modules (pipeline.extract,
pipeline.harmonise, pipeline.reconcile, ...) to their inputs, named by their parameters; the
checks come from the declarations (pipeline.assets.checks).
"""
