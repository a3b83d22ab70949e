"""drctl: the DTEM DR operator CLI.

A thin layer over library functions. Heavy imports (pulumi, pulumi_aws, boto3) happen
inside the subcommand that needs them, so `drctl --help` stays fast. A user mistake ends
in one message and exit code 2, never a traceback.

    drctl plan    --stack primary|dr [--failover | --failback] [--format text|json|md]
    drctl check   --stack primary|dr [--format text|json|md]
    drctl preview --stack primary|dr|all [--base REF] [--format md|json] [--max-chars N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


class UsageError(Exception):
    """A mistake of the user's: printed as one line, exit code 2."""


def _add_common(
    p: argparse.ArgumentParser, formats: tuple[str, ...] = ("text", "json", "md"), stack_help: str = "stack to run: primary or dr"
) -> None:
    p.add_argument("--stack", required=True, help=stack_help)
    p.add_argument("--format", choices=formats, default=formats[0], help="output format")
    p.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drctl",
        description="Plan, check and drive DTEM's two-region disaster recovery. "
        "plan/check/preview run the Pulumi program offline (no cloud, no Pulumi CLI).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    plan = sub.add_parser("plan", help="every resource a stack would create, grouped by component, region and AZ")
    _add_common(plan, stack_help="stack to run: primary, dr, or all (both, from one offline run)")
    mode = plan.add_mutually_exclusive_group()
    mode.add_argument("--failover", action="store_true", help="dr stack: what flipping role to active does, proven safe")
    mode.add_argument("--failback", action="store_true", help="primary stack: what returning to the primary region takes")

    check = sub.add_parser("check", help="run the RTO/RPO policy pack over the offline plan (same gRPC path as pulumi preview)")
    _add_common(check)

    preview = sub.add_parser("preview", help="PR report: the change's effect on topology, RTO/RPO, failover plan, policies")
    _add_common(preview, formats=("md", "json"), stack_help="stack to report on: primary, dr, or all (both, as the PR comment)")
    preview.add_argument("--base", default=None, help="git ref to compare with (default: merge base with main)")
    preview.add_argument(
        "--max-chars",
        type=int,
        default=None,
        help="cut the Markdown to this many characters, with a note (default: fits a GitHub comment; 0: no limit)",
    )
    preview.add_argument("--full-report", default=None, help="where the uncut report is, for the cut note (e.g. the CI run's URL)")
    preview.add_argument("--allow-dirty", action="store_true", help="preview uncommitted changes to the program too")
    preview.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="also write comment.md (cut to --max-chars), report.md (uncut) and report.json there",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "plan":
            if args.failover or args.failback:
                from drctl import failover

                return failover.command(args)
            from drctl import plan

            return plan.command(args)
        if args.command == "check":
            from drctl import check

            return check.command(args)
        if args.command == "preview":
            from drctl import preview

            return preview.command(args)
    except UsageError as err:
        print(f"drctl: {err}", file=sys.stderr)
        return 2
    except ImportError as err:  # a subcommand not built yet
        print(f"drctl {args.command}: not available ({err})", file=sys.stderr)
        return 2
    return 0
