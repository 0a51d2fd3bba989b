"""Validate this folder's labels with the development set's checker (the same rules)."""

import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.argv = [sys.argv[0], HERE]
runpy.run_path(os.path.join(HERE, "..", "resumes-dev", "check_labels.py"), run_name="__main__")
