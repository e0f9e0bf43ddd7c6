"""The checks of deploy/validate.py, one module per kind of file."""
