"""The baseline pack of `make bench` figure 3: policies that check nothing.

Started exactly like the project's pack (`python -u -m pulumi.policy <engine> .` in this
directory, by drctl/analyzer.py), it costs the gRPC round trip, the SDK's decoding of each
resource and the dispatch to its policies -- what every pack pays -- and nothing else.

By default one resource policy (the baseline). `BENCH_NOOP_RESOURCE_POLICIES` and
`BENCH_NOOP_STACK_POLICIES` set how many no-op policies of each kind it has: with the
project pack's counts it measures the SDK's per-policy cost alone, a diagnostic.
"""

import gc
import os

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy


def _nothing(args, report_violation) -> None:
    return None


# As the project's pack does (policies/__main__.py): no full collections, so that the two
# differ only in their policies.
gc.set_threshold(*gc.get_threshold()[:2], 1 << 30)

_resource = int(os.environ.get("BENCH_NOOP_RESOURCE_POLICIES", "1"))
_stack = int(os.environ.get("BENCH_NOOP_STACK_POLICIES", "0"))

PolicyPack(
    name="bench-trivial",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name=f"bench-no-op-{i}" if i else "bench-no-op",
            description="Checks nothing: the baseline of the policy pack benchmark.",
            validate=_nothing,
        )
        for i in range(_resource)
    ]
    + [
        StackValidationPolicy(
            name=f"bench-no-op-stack-{i}",
            description="Checks nothing: the SDK's cost per stack policy.",
            validate=_nothing,
        )
        for i in range(_stack)
    ],
)
