"""Entry point of the CrossGuard policy pack (`pulumi preview --policy-pack policies`).

The Pulumi CLI runs `python -u -m pulumi.policy <engine-address> .` in this directory,
which runs this file as a script: the directory is on sys.path but is not a package. It
is loaded here as the package `policies` (whatever the directory is called once the pack
is published), so every module inside uses package-relative imports and is importable the
same way from the repository (`policies.estimate`). Only assembly happens here: creating
the PolicyPack starts the gRPC server and never returns.
"""

import gc
import importlib
import importlib.util
import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack

_HERE = Path(__file__).resolve().parent
if "policies" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("policies", _HERE / "__init__.py", submodule_search_locations=[str(_HERE)])
    _package = importlib.util.module_from_spec(_spec)
    sys.modules["policies"] = _package
    _spec.loader.exec_module(_package)
_pack = importlib.import_module("policies.pack")

# The SDK's AnalyzeStack builds every resource again for each stack policy, all alive until
# the call returns: full garbage collections came at a rate proportional to the number of
# resources and each re-traced the growing heap -- quadratic (make bench, figure 3: 4.4 ms
# per resource at 3,081 resources, 2.4 without). The process lives for one preview or up;
# young collections still free short-lived cycles, and its peak memory is unchanged.
gc.set_threshold(*gc.get_threshold()[:2], 1 << 30)

PolicyPack(
    name=_pack.PACK_NAME,
    description=_pack.DESCRIPTION,
    policies=_pack.policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
)
