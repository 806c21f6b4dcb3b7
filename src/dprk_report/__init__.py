"""Curated dataset and analytic report on the DPRK troop deployment to Russia."""
