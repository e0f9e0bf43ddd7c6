"""sigma-vrate trainer: sigma-GPT over the 10 s vertical-rate / altitude grid (see README.md)."""
__version__ = "0.1.0"
