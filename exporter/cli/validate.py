"""`projector-export validate --logdir DIR`: check a logdir the way TensorBoard's projector reads it."""


from exporter.cli.arguments import add_logdir


def register(subparsers):
    parser = subparsers.add_parser(
        "validate",
        help="check that every embedding in a logdir loads in the projector with aligned labels",
        description="Reads the logdir the way TensorBoard's projector does (runs, configs, checkpoints, "
        "tensor_path files, metadata, bookmarks, sprites, standalone projector_config.json) and prints one "
        "line per finding: severity, file:line, what is wrong, and the fix. Works on logdirs written by any "
        "tool (TF tutorial, tensorboardX, Keras callbacks). Exit status 0 only when every embedding will load "
        "with aligned labels (warnings allowed), 1 otherwise. Example: projector-export validate --logdir logdir",
    )
    add_logdir(parser, positional=True, help="the folder given to tensorboard --logdir")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object instead")
    parser.set_defaults(handler=run)


def run(args):
    from exporter.validate import validate_logdir

    report = validate_logdir(args.logdir)
    if args.json:
        print(report.to_json())
    else:
        for finding in report.findings:
            print(finding)
        errors = len(report.errors)
        print(f"{'ok' if report.ok else 'FAILED'}: {len(report.embeddings)} embedding(s) checked, "
              f"{errors} error(s), {len(report.findings) - errors} warning(s)")
    return 0 if report.ok else 1
