"""`projector-export serve LOGDIR`: TensorBoard with a projector that shows every point."""

from exporter.cli.common import at_least


def register(subparsers):
    parser = subparsers.add_parser(
        "serve",
        help="run TensorBoard with a projector that shows every point, not only the first 100,000",
        description="Runs the real TensorBoard (every tab, its own frontend) on LOGDIR, with its projector "
        "plugin extended to answer the frontend's 100,000-row requests with every row: 1,000,000 points draw "
        "in the browser. Tensors are memory-mapped, configs reload when an export changes, TensorFlow is not "
        "needed. Ctrl-C stops it. Example: projector-export serve logdir --port 6006",
    )
    parser.add_argument("logdir_positional", nargs="?", metavar="LOGDIR",
                        help="the log directory (same as --logdir)")
    parser.add_argument("--logdir", help="the log directory (default: logdir)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=at_least(0), default=6006, help="port (default: %(default)s; 0: any free)")
    parser.add_argument("--max-points", type=at_least(2), metavar="N",
                        help="serve at most N rows of each tensor (default: all; TensorBoard alone stops at 100,000)")
    parser.add_argument("--reload-interval", type=at_least(1), default=5, metavar="SECONDS",
                        help="seconds between scans for new runs (default: %(default)s)")
    parser.set_defaults(handler=run)


def run(args):
    from exporter.errors import ExportError
    from exporter.serve import serve

    if args.logdir and args.logdir_positional and args.logdir != args.logdir_positional:
        raise ExportError(f"serve: two log directories ({args.logdir_positional} and --logdir {args.logdir}): pass one")
    logdir = args.logdir or args.logdir_positional or "logdir"
    return serve(logdir, host=args.host, port=args.port, max_points=args.max_points,
                 reload_interval=args.reload_interval)
