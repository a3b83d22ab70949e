"""`make bench`: what the library costs over raw Pulumi, how it grows, and what the policy
pack, the failover plan, the preview and the CLI start-up cost -- every figure a ratio
against a baseline measured in the same run (see README, "Performance")."""
