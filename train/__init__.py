"""Training scripts of the shipped models (``python -m train.<model>``); development only (numpy).

Each script builds its examples from the labelled development pages
(``bench/devdata.py``), reports cross-validated figures with folds split by
site, and writes the weights file the cleaner reads (see ``cleaner/model.py``).
"""
