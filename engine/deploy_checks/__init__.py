"""Deploy-time checks and warnings beyond engine.validation: structure, references, messages,
start events and signals, subprocesses, extensions, parser errors as located problems."""
