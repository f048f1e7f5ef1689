#!/usr/bin/env python3
"""A faithful numpy port of the seed notebook's whole-network gradient check, for timing.

forward_propagation_n, backward_propagation_n (with the notebook's two planted bugs: dW2 * 2 and
db1 with 4./m), dictionary_to_vector, vector_to_dictionary, gradients_to_vector and
gradient_check_n are the notebook's and its course utilities' code, unchanged except that
vector_to_dictionary takes the layer shapes instead of hard-coding the 4-5-3-1 ones, so the same
algorithm runs on 784-128-64-1. Every parameter is perturbed in turn, with a full copy of the
parameter vector and a full forward pass per perturbation, as the notebook does.

Usage: notebook_check.py seed SEED_JSON [--repeat N]
       notebook_check.py 784-128-64-1 --batch 32 [--sample N]
Prints one JSON object: the difference, parameters checked, seconds, and whether it was a
sample (then the time for all parameters is extrapolated and marked so).
"""
import argparse
import json
import sys
import time

import numpy as np


def relu(x):
    s = np.maximum(0, x)
    return s


def sigmoid(x):
    s = 1 / (1 + np.exp(-x))
    return s


def forward_propagation_n(X, Y, parameters):
    m = X.shape[1]
    W1 = parameters["W1"]
    b1 = parameters["b1"]
    W2 = parameters["W2"]
    b2 = parameters["b2"]
    W3 = parameters["W3"]
    b3 = parameters["b3"]
    # LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    # Cost
    logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    cost = 1. / m * np.sum(logprobs)
    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return cost, cache


def backward_propagation_n(X, Y, cache):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T) * 2  # the notebook's planted bug
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 4. / m * np.sum(dZ1, axis=1, keepdims=True)  # the notebook's planted bug
    gradients = {"dZ3": dZ3, "dW3": dW3, "db3": db3,
                 "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
                 "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
    return gradients


KEYS = ["W1", "b1", "W2", "b2", "W3", "b3"]


def dictionary_to_vector(parameters):
    keys = []
    count = 0
    for key in KEYS:
        new_vector = np.reshape(parameters[key], (-1, 1))
        keys = keys + [key] * new_vector.shape[0]
        if count == 0:
            theta = new_vector
        else:
            theta = np.concatenate((theta, new_vector), axis=0)
        count = count + 1
    return theta, keys


SHAPES = None  # set from the net: the course's utility hard-codes the 4-5-3-1 shapes here


def vector_to_dictionary(theta):
    parameters = {}
    start = 0
    for key, shape in zip(KEYS, SHAPES):
        n = shape[0] * shape[1]
        parameters[key] = theta[start:start + n].reshape(shape)
        start += n
    return parameters


def gradients_to_vector(gradients):
    count = 0
    for key in ["dW1", "db1", "dW2", "db2", "dW3", "db3"]:
        new_vector = np.reshape(gradients[key], (-1, 1))
        if count == 0:
            theta = new_vector
        else:
            theta = np.concatenate((theta, new_vector), axis=0)
        count = count + 1
    return theta


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, sample=None):
    """The notebook's gradient_check_n; with sample=N only the first N parameters are perturbed
    (for timing a net where all of them would take too long; the difference is then None)."""
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))
    n = num_parameters if sample is None else min(sample, num_parameters)
    for i in range(n):
        thetaplus = np.copy(parameters_values)
        thetaplus[i][0] = thetaplus[i][0] + epsilon
        J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus))
        thetaminus = np.copy(parameters_values)
        thetaminus[i][0] = thetaminus[i][0] - epsilon
        J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaminus))
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2. * epsilon)
    if n < num_parameters:
        return None
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    return difference


def seed_case(path):
    with open(path) as f:
        raw = json.load(f)
    t = {k: np.array(v, dtype=np.float64) for k, v in raw.items()}
    return t["X"], t["Y"], {k: t[k] for k in KEYS}


def random_case(sizes, batch, seed=11):
    rng = np.random.RandomState(seed)
    params = {}
    for l in range(1, 4):
        params["W%d" % l] = rng.randn(sizes[l], sizes[l - 1]) * np.sqrt(2.0 / sizes[l - 1])
        params["b%d" % l] = rng.randn(sizes[l], 1) * 0.1
    X = rng.randn(sizes[0], batch)
    Y = (rng.rand(1, batch) > 0.5).astype(np.float64)
    return X, Y, params


def main():
    global SHAPES
    ap = argparse.ArgumentParser()
    ap.add_argument("net", help="'seed' or sizes like 784-128-64-1")
    ap.add_argument("seed_json", nargs="?", help="seed_test_case.json (for 'seed')")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--sample", type=int, default=None)
    a = ap.parse_args()
    if a.net == "seed":
        X, Y, parameters = seed_case(a.seed_json)
    else:
        sizes = [int(s) for s in a.net.split("-")]
        X, Y, parameters = random_case(sizes, a.batch)
    SHAPES = [parameters[k].shape for k in KEYS]
    total = sum(parameters[k].size for k in KEYS)
    cost, cache = forward_propagation_n(X, Y, parameters)
    gradients = backward_propagation_n(X, Y, cache)
    times = []
    difference = None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        difference = gradient_check_n(parameters, gradients, X, Y, sample=a.sample)
        times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2]
    checked = total if a.sample is None else min(a.sample, total)
    print(json.dumps({
        "net": a.net, "batch": X.shape[1], "parameters": total, "checked": checked,
        "cost": cost, "difference": difference, "seconds_median": med, "repeats": a.repeat,
        "extrapolated": checked < total,
        "seconds_all_parameters": med * total / checked,
    }))


if __name__ == "__main__":
    sys.exit(main())
