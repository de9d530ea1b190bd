"""Adapters to the engines corpus builders already run (each behind its optional extra).

* :mod:`cleaner.integrations.datatrove`: datatrove pipeline steps
  (``pip install article-cleaner[datatrove]``).

Nothing here is imported by ``import cleaner``: the core install stays light.
"""
