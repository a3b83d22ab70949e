"""The pack's rules, one per file under `<area>/` (cdk-nag / Checkov style); `pack.py`
lists them and `base.py` turns each into a pulumi_policy policy."""
