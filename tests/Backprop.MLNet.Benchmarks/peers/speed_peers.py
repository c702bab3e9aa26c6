#!/usr/bin/python3
"""Backprop's speed beside scikit-learn (OpenBLAS) and TorchSharp (libtorch), measured in one run on this machine.

Runs the workloads W1 (dense regression), W2 (the full Fashion-MNIST) and the kernel K1 (float32 GEMM) on the same
files and shapes for all three, interleaved: every round runs each tool once, and each figure is the median over the
rounds. Prints one markdown table of samples/s (or GFLOP/s), test metrics and the ratio of Backprop to the better
peer, headed by the processor's model and vector width. Benchmark use only: see the benchmarks' README.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

GEMM_SHAPES = ["256x784x256", "1024x1024x1024",
               # The products W1 and W2 run (rows × inputs × outputs): forward, weight gradient (TN), delta (NT).
               "256x64x128", "256x128x64", "128x784x256", "784x128x256", "128x256x128"]
VARIANTS = ["NN", "TN", "NT"]


def cpu():
    model, flags = "unknown", set()
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name") and model == "unknown":
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    width = "AVX-512 (512-bit)" if "avx512f" in flags else "AVX2 (256-bit)" if "avx2" in flags else "no AVX2"
    return f"{model}, {os.cpu_count()} logical CPUs, {width}"


def result_line(output):
    for line in output.splitlines():
        if line.startswith("RESULT"):
            return dict(pair.split("=", 1) for pair in line.split()[1:])
    raise RuntimeError("no RESULT line in:\n" + output)


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def gemm_lines(output):
    figures = {}
    for line in output.splitlines():
        if line.startswith("RESULT"):
            fields = dict(pair.split("=", 1) for pair in line.split()[1:])
            figures[(fields["shape"], fields["transposes"], int(fields["threads"]))] = float(fields["gflops"])
    return figures


def numpy_gemm(shapes, threads, seconds):
    """K1 with numpy's matmul on OpenBLAS: a transposed operand is a view, so BLAS gets the transpose flag."""
    figures = {}
    rng = np.random.default_rng(1)
    for shape in shapes:
        m, k, n = map(int, shape.split("x"))
        for variant in VARIANTS:
            a = (rng.random((k, m), dtype=np.float32) - 0.5).T if variant == "TN" else rng.random((m, k), dtype=np.float32) - 0.5
            b = (rng.random((n, k), dtype=np.float32) - 0.5).T if variant == "NT" else rng.random((k, n), dtype=np.float32) - 0.5
            c = np.empty((m, n), dtype=np.float32)
            for t in threads:
                with threadpool_limits(limits=t, user_api="blas"):
                    calls, start = 0, time.perf_counter()
                    while calls < 3 or time.perf_counter() - start < 0.2:
                        np.matmul(a, b, out=c)
                        calls += 1
                    calls = max(1, int(seconds * calls / (time.perf_counter() - start)))
                    start = time.perf_counter()
                    for _ in range(calls):
                        np.matmul(a, b, out=c)
                    figures[(shape, variant, t)] = 2.0 * m * n * k * calls / (time.perf_counter() - start) / 1e9
    return figures


class SklearnWorkload:
    """One workload's files, read once, and scikit-learn's MLP trained on them as the other tools are."""

    def __init__(self, folder, label, multiclass, hidden, batch, epochs):
        import pandas as pd
        train, test = pd.read_csv(os.path.join(folder, "train.csv")), pd.read_csv(os.path.join(folder, "test.csv"))
        self.x = train.drop(columns=[label]).to_numpy(np.float32)
        self.y = train[label].to_numpy(np.int64 if multiclass else np.float32)
        self.test_x = test.drop(columns=[label]).to_numpy(np.float32)
        self.test_y = test[label].to_numpy(np.int64 if multiclass else np.float32)
        self.multiclass, self.hidden, self.batch, self.epochs = multiclass, hidden, batch, epochs

    def run(self, threads):
        from sklearn.neural_network import MLPClassifier, MLPRegressor
        model_type = MLPClassifier if self.multiclass else MLPRegressor
        # A fixed number of epochs: no early stopping, no convergence test.
        model = model_type(hidden_layer_sizes=self.hidden, batch_size=self.batch, max_iter=self.epochs, learning_rate_init=1e-3,
                           random_state=1, tol=0.0, n_iter_no_change=self.epochs + 1)
        import warnings
        from sklearn.exceptions import ConvergenceWarning
        with threadpool_limits(limits=threads, user_api="blas"), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(self.x, self.y)
            seconds = time.perf_counter() - start
        predicted = model.predict(self.test_x)
        if self.multiclass:
            metric = float(np.mean(predicted == self.test_y))
        else:
            metric = float(1 - np.sum((self.test_y - predicted) ** 2) / np.sum((self.test_y - self.test_y.mean()) ** 2))
        return len(self.y) * self.epochs / seconds, metric


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--benchmarks", required=True, help="Backprop.MLNet.Benchmarks.dll (built with -c Release)")
    parser.add_argument("--torch", help="Backprop.MLNet.TorchPeer.dll (from peers' prepare.sh); leave out to skip TorchSharp")
    parser.add_argument("--w1", help="The folder generate-w1 wrote; leave out to skip W1")
    parser.add_argument("--w2", help="The folder generate-w2 wrote; leave out to skip W2")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved rounds; each figure is their median (default 3)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="Threads for W1 and W2 (default: every CPU)")
    parser.add_argument("--no-gemm", action="store_true", help="Skip K1")
    parser.add_argument("--json", help="Also write every round's figures here")
    args = parser.parse_args()

    workloads = []
    if args.w1:
        workloads.append(("W1", args.w1, "y", False, (128, 64), 256, 10))
    if args.w2:
        workloads.append(("W2", args.w2, "label", True, (256, 128), 128, 3))
    sklearn_data = {name: SklearnWorkload(folder, label, multi, hidden, batch, epochs)
                    for name, folder, label, multi, hidden, batch, epochs in workloads}

    rounds = {"workloads": {}, "gemm": {}}

    def note(kind, key, tool, value):
        rounds[kind].setdefault(key, {}).setdefault(tool, []).append(value)

    for r in range(args.rounds):
        print(f"round {r + 1} of {args.rounds}", file=sys.stderr)
        for name, folder, label, multi, hidden, batch, epochs in workloads:
            common = ["--train", os.path.join(folder, "train.csv"), "--test", os.path.join(folder, "test.csv"), "--label", label,
                      "--task", "multiclass" if multi else "regression", "--hidden", ",".join(map(str, hidden)),
                      "--batch", str(batch), "--epochs", str(epochs), "--lr", "0.001", "--threads", str(args.threads)]
            metric = "test_accuracy" if multi else "test_r2"
            # Backprop with scikit-learn's default L2 penalty (alpha = 0.0001); TorchSharp's Adam has none.
            fields = result_line(run(["dotnet", args.benchmarks, "throughput", *common, "--l2", "0.0001"]))
            note("workloads", name, "Backprop", (float(fields["samples_per_s"]), float(fields[metric])))
            note("workloads", name, "scikit-learn", sklearn_data[name].run(args.threads))
            if args.torch:
                fields = result_line(run(["dotnet", args.torch, "throughput", *common]))
                note("workloads", name, "TorchSharp", (float(fields["samples_per_s"]), float(fields[metric])))
        if not args.no_gemm:
            gemm_args = ["--shapes", ",".join(GEMM_SHAPES), "--transposes", ",".join(VARIANTS), "--threads", "1,2",
                         "--rounds", "3", "--seconds", "0.3"]
            for key, value in gemm_lines(run(["dotnet", args.benchmarks, "gemm", *gemm_args])).items():
                note("gemm", key, "Backprop", value)
            for key, value in numpy_gemm(GEMM_SHAPES, [1, 2], 0.3).items():
                note("gemm", key, "OpenBLAS", value)
            if args.torch:
                for key, value in gemm_lines(run(["dotnet", args.torch, "gemm", *gemm_args])).items():
                    note("gemm", key, "libtorch", value)

    print(f"Machine: {cpu()}; {args.rounds} interleaved rounds, medians; W1 and W2 on {args.threads} thread(s).\n")
    peers = ["scikit-learn", "TorchSharp"] if args.torch else ["scikit-learn"]
    if workloads:
        print("| workload | " + " | ".join(f"{tool} samples/s (metric)" for tool in ["Backprop", *peers]) + " | Backprop ÷ better peer |")
        print("|---|" + "---:|" * (len(peers) + 2))
        for name, *_ in workloads:
            figures = rounds["workloads"][name]
            medians = {tool: (statistics.median(s for s, _ in runs), statistics.median(m for _, m in runs)) for tool, runs in figures.items()}
            cells = [f"{medians[tool][0]:,.0f} ({medians[tool][1]:.4f})" for tool in ["Backprop", *peers]]
            better = max(medians[tool][0] for tool in peers)
            print(f"| {name} | " + " | ".join(cells) + f" | **{medians['Backprop'][0] / better:.2f}×** |")
        print()
    if not args.no_gemm:
        gemm_peers = ["OpenBLAS", "libtorch"] if args.torch else ["OpenBLAS"]
        print("| K1 shape (M×K×N) | variant | threads | Backprop GFLOP/s | " + " | ".join(gemm_peers) + " | Backprop ÷ better peer |")
        print("|---|---|---:|---:|" + "---:|" * (len(gemm_peers) + 1))
        for key in sorted(rounds["gemm"], key=lambda k: (GEMM_SHAPES.index(k[0]), k[2], VARIANTS.index(k[1]))):
            medians = {tool: statistics.median(v) for tool, v in rounds["gemm"][key].items()}
            better = max(medians[tool] for tool in gemm_peers)
            print(f"| {key[0]} | {key[1]} | {key[2]} | {medians['Backprop']:.1f} | "
                  + " | ".join(f"{medians[tool]:.1f}" for tool in gemm_peers) + f" | {medians['Backprop'] / better:.2f}× |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"machine": cpu(), "workloads": rounds["workloads"],
                       "gemm": {f"{s} {v} {t}": tools for (s, v, t), tools in rounds["gemm"].items()}}, out, indent=1)


if __name__ == "__main__":
    main()
