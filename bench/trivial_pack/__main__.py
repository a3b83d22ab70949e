"""The baseline pack of `make bench` figure 3: one policy that checks nothing.

Started exactly like the project's pack (`python -u -m pulumi.policy <engine> .` in this
directory, by drctl/analyzer.py), it costs the gRPC round trip, the SDK's decoding of each
resource and the dispatch to one policy -- what every pack pays -- and nothing else.
"""

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _nothing(args, report_violation) -> None:
    return None


PolicyPack(
    name="bench-trivial",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="bench-no-op",
            description="Checks nothing: the baseline of the policy pack benchmark.",
            validate=_nothing,
        )
    ],
)
