#!/usr/bin/env python3
"""scikit-learn on the benchmark suite's own folds, for suite.md to show beside Backprop and ML.NET.

Run by hand, never by the README's commands or CI. scikit-learn and pandas come from Debian:

    apt-get install python3-sklearn python3-pandas
    dotnet run -c Release --project tests/Backprop.MLNet.Benchmarks -- suite --folds-only --out suite-results
    /usr/bin/python3 tests/Backprop.MLNet.Benchmarks/peers/suite_peers.py --folds suite-results/folds --data ../shared/datasets \
        --out suite-results/peers.json
    dotnet run -c Release --project tests/Backprop.MLNet.Benchmarks -- suite --peers suite-results/peers.json --out suite-results

The suite writes, for every dataset, the held-out rows of each fold and each column's kind (numeric, categorical,
text) as its featurization inferred them; this script builds the same featurization (missing numbers replaced by
the mean and flagged, categories one-hot, text as TF-IDF, everything standardised) and fits on exactly the same rows:
MLPRegressor/MLPClassifier with scikit-learn's defaults and with (64, 32) and early stopping (the regression target
standardised, as Backprop does), Ridge or LogisticRegression, and HistGradientBoosting. It reports the suite's
ranking metric: R², AUC, or macro accuracy (the mean of the per-class recalls, ML.NET's MacroAccuracy).
"""
import argparse
import glob
import json
import os
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import balanced_accuracy_score, r2_score, roc_auc_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def featurizer(columns):
    parts = []
    numeric = [c["name"] for c in columns if c["kind"] == "numeric"]
    categorical = [c["name"] for c in columns if c["kind"] == "categorical"]
    if numeric:
        parts.append(("numeric", SimpleImputer(strategy="mean", add_indicator=True), numeric))
    if categorical:
        parts.append(("categorical", make_pipeline(SimpleImputer(strategy="constant", fill_value=""),
                                                   OneHotEncoder(handle_unknown="ignore")), categorical))
    for c in columns:
        if c["kind"] == "text":
            parts.append(("text_" + c["name"], TfidfVectorizer(), c["name"]))
    return make_pipeline(ColumnTransformer(parts, sparse_threshold=0.0), StandardScaler())


def candidates(task):
    if task == "regression":
        scaled = lambda model: TransformedTargetRegressor(model, transformer=StandardScaler())
        return [
            ("scikit-learn MLP (defaults)", lambda: scaled(MLPRegressor(random_state=0))),
            ("scikit-learn MLP (64, 32), early stopping", lambda: scaled(MLPRegressor((64, 32), early_stopping=True, random_state=0))),
            ("scikit-learn Ridge", lambda: Ridge()),
            ("scikit-learn HistGradientBoosting", lambda: HistGradientBoostingRegressor(random_state=0)),
        ]
    return [
        ("scikit-learn MLP (defaults)", lambda: MLPClassifier(random_state=0)),
        ("scikit-learn MLP (64, 32), early stopping", lambda: MLPClassifier((64, 32), early_stopping=True, random_state=0)),
        ("scikit-learn LogisticRegression", lambda: LogisticRegression(max_iter=2000)),
        ("scikit-learn HistGradientBoosting", lambda: HistGradientBoostingClassifier(random_state=0)),
    ]


def score(task, model, x, y):
    if task == "regression":
        return r2_score(y, model.predict(x))
    if task == "binary":
        return roc_auc_score(y, model.predict_proba(x)[:, 1])
    return balanced_accuracy_score(y, model.predict(x))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", required=True, help="the suite's folds/ folder")
    parser.add_argument("--data", required=True, help="the shared datasets folder")
    parser.add_argument("--out", required=True, help="peers.json to write")
    parser.add_argument("--dataset", action="append", default=[], help="only these datasets (repeatable)")
    args = parser.parse_args()

    results = {}
    for path in sorted(glob.glob(os.path.join(args.folds, "*.json"))):
        spec = json.load(open(path))
        if args.dataset and spec["dataset"] not in args.dataset:
            continue
        frame = pd.read_csv(os.path.join(args.data, spec["file"]), keep_default_na=True,
                            na_values=["", "?", "NA", "N/A", "NaN", "null", "None"])
        task = spec["task"]
        features = frame[[c["name"] for c in spec["columns"]]].copy()
        for c in spec["columns"]:
            if c["kind"] != "numeric":
                features[c["name"]] = features[c["name"]].astype(str).where(features[c["name"]].notna(), "")
        label = frame[spec["label"]]
        if task == "regression":
            y = label.astype(float).to_numpy()
        elif task == "binary":
            positive = spec["classes"][1]
            y = np.array([str(v) == positive or (_is_number(v) and _is_number(positive) and float(v) == float(positive)) for v in label])
        else:
            y = label.astype(str).to_numpy()
        rows = len(frame)
        print(f"{spec['dataset']} ({task}, {rows} rows)", flush=True)
        entries = []
        for name, make in candidates(task):
            primary, seconds, error = [], [], None
            try:
                for held_out in spec["heldOut"]:
                    test = np.zeros(rows, dtype=bool)
                    test[held_out] = True
                    model = make_pipeline(featurizer(spec["columns"]), make())
                    start = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        model.fit(features[~test], y[~test])
                    seconds.append(time.perf_counter() - start)
                    primary.append(float(score(task, model, features[test], y[test])))
            except Exception as e:  # a peer that fails is reported, as ML.NET's failing trainers are
                error = f"{type(e).__name__}: {e}"
            entries.append({"name": name, "primary": primary, "fitSeconds": seconds, "error": error})
            print(f"  {name}: {np.mean(primary) if primary and error is None else error}", flush=True)
        results[spec["dataset"]] = entries
    with open(args.out, "w") as f:
        json.dump({"datasets": results}, f, indent=1)


def _is_number(value):
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


if __name__ == "__main__":
    main()
