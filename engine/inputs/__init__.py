"""What people may put into a process: safe variable shapes and bounded timescale overrides."""
