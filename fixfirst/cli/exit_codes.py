"""Exit codes of `fixfirst` commands, distinct so pipelines can tell "partly bad input" from "nothing read"."""

OK = 0
#: Typer/Click's own code for a wrong option or argument.
USAGE = 2
#: Some records were rejected (see the rejects file); the good ones were stored.
SOME_REJECTED = 3
#: Nothing could be read: a file is missing, unreadable or of unknown format, or every record was bad.
NOTHING_READ = 4
#: A configuration file (scorecard, lexicon, CSV mapping) or the database is unusable.
CONFIG = 5
#: Interrupted (Ctrl-C): stored batches are complete; run the same command again to finish.
INTERRUPTED = 130
