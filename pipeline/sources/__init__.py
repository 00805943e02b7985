"""The raw documents: verified against their manifest, read as numbered lines, listed as the
`documents` table."""
