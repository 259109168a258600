"""The `reader` command: argument parsing and the subcommands; starts the app when asked to."""
