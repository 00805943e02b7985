"""The package written, read back and shipped: publishing (write, validate, swap), the typed
read-back, the data dictionary, the exports, the release and the consumers' expectations."""
