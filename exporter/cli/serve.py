"""`projector-export serve --logdir DIR`: TensorBoard with a projector that shows every point."""

from exporter.cli.arguments import add_logdir, at_least


def register(subparsers):
    parser = subparsers.add_parser(
        "serve",
        help="run TensorBoard with a projector that shows every point, not only the first 100,000",
        description="Runs the real TensorBoard (every tab, its own frontend) on the logdir, with its projector "
        "plugin extended to answer the frontend's 100,000-row requests with every row: 1,000,000 points draw "
        "in the browser. Tensors are memory-mapped, configs reload when an export changes, TensorFlow is not "
        "needed. Ctrl-C stops it. Example: projector-export serve --logdir logdir --port 6006",
    )
    add_logdir(parser, positional=True)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=at_least(0, 65535), default=6006,
                        help="port (default: %(default)s; 0: any free one, printed)")
    parser.add_argument("--max-points", type=at_least(2), metavar="N",
                        help="serve at most N rows of each tensor (default: all; TensorBoard alone stops at 100,000)")
    parser.add_argument("--reload-interval", type=_seconds, default=5, metavar="SECONDS",
                        help="seconds between scans for new runs, e.g. 0.5 (default: %(default)s)")
    parser.set_defaults(handler=run)


def _seconds(text):
    """A number of seconds > 0 (TensorBoard's own flag takes fractions too)."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text}")
    return value


def run(args):
    from exporter.serve import serve

    return serve(args.logdir, host=args.host, port=args.port, max_points=args.max_points,
                 reload_interval=args.reload_interval)
