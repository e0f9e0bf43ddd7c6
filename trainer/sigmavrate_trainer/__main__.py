"""python -m sigmavrate_trainer {train,evaluate,ablate,calibrate,export,quantize,channel-softmax,bench,synth} ...
(train --teacher: distill.py)"""
from __future__ import annotations

import argparse
import sys


def main(argv=None):
    from . import ablate, bench, calibrate, channel_softmax, eval as evaluate_mod, export, quantize, train

    p = argparse.ArgumentParser(prog="python -m sigmavrate_trainer",
                                description="sigma-GPT trainer for the sigma-vrate forecaster")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sp = sub.add_parser("train", help="train a model on a dataset directory")
    train.add_train_args(sp)
    sp.set_defaults(func=train.train)
    sp = sub.add_parser("evaluate", help="NLL, hidden-rate density metrics and baselines on a split")
    evaluate_mod.add_eval_args(sp)
    sp.set_defaults(func=evaluate_mod.evaluate)
    sp = sub.add_parser("ablate", help="several checkpoints on the use protocols, intervals over flights")
    ablate.add_ablate_args(sp)
    sp.set_defaults(func=ablate.ablate)
    sp = sub.add_parser("calibrate", help="fit one temperature per channel on validation densities")
    calibrate.add_calibrate_args(sp)
    sp.set_defaults(func=calibrate.calibrate)
    sp = sub.add_parser("export", help="export a checkpoint to ONNX + model.json + spec.json + golden.json")
    export.add_export_args(sp)
    sp.set_defaults(func=export.export)
    sp = sub.add_parser("quantize", help="int8 dynamic quantization of an exported model directory")
    quantize.add_quantize_args(sp)
    sp.set_defaults(func=quantize.quantize)
    sp = sub.add_parser("channel-softmax", help="write the channel softmax graph the Java forecaster runs on logits")
    channel_softmax.add_channel_softmax_args(sp)
    sp.set_defaults(func=channel_softmax.write)
    sp = sub.add_parser("bench", help="forward throughput and training step time")
    bench.add_bench_args(sp)
    sp.set_defaults(func=bench.bench)
    sp = sub.add_parser("synth", help="write a small synthetic dataset (tests / smoke runs)")
    sp.add_argument("--out", required=True)
    sp.add_argument("--spec", help="spec path (default: the repository's spec)")
    sp.add_argument("--train", type=int, default=2000)
    sp.add_argument("--val", type=int, default=256)
    sp.add_argument("--test", type=int, default=256)
    sp.add_argument("--seed", type=int, default=0)
    sp.set_defaults(func=_synth)
    args = p.parse_args(argv)
    if not getattr(args, "func", None):
        p.print_help()
        return 2
    args.func(args)
    return 0


def _synth(args):
    from .synth import make_synthetic_dataset
    out = make_synthetic_dataset(args.out, args.spec, args.train, args.val, args.test, args.seed)
    print(f"wrote synthetic dataset to {out}")


if __name__ == "__main__":
    sys.exit(main())
