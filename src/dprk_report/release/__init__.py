"""Data releases and the scheduled job: the layer above the build.

``make`` makes a release (validate, compare with the previous release, write the changelog, the release
list, the register of published ids and the citation, rebuild the report, commit and tag it in git);
``nightly`` is the scheduled job (validate, build, release when the data changed, commit what changed, and
raise the staleness alarm). ``changelog`` writes the changelog and ``git`` runs git. It may import every
layer below it (pipeline, report, analysis, data, text); nothing imports it but the command line.
"""
