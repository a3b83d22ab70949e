"""DTEM's disaster-recovery topology: one ComponentResource per file, composed per region
by `region.RegionalTopology`. Components never read `pulumi.Config`; `__main__.py` does."""
