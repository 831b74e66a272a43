"""Tools around the flow: the command line, batch, audit, review, export and evaluation; they read results."""
