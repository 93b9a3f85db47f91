#!/usr/bin/env python3
"""PyTorch's figure for the gradgrad line of bench/rnn.mjs: the same measurement, so the two ratios compare.

One nn.LSTMCell step at config-b sizes (B 32, I 128, H 256), loss = sum(h'^2), state and input without gradients.
Three variants run interleaved for 100 rounds after 3 warm-up rounds, medians taken: the forward alone, forward +
backward, and forward + a backward that records itself (create_graph) + a second backward through the parameter
gradients (a Hessian-vector product). `ratio` = (gradgrad - forward) / (backward - forward), as loom reports it.

    /usr/bin/python3 bench/torch-gradgrad.py      # one JSON line; bench:rnn runs it too when torch imports
"""
import json
import statistics
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
B, I, H = 32, 128, 256
cell = torch.nn.LSTMCell(I, H)
params = list(cell.parameters())
x, h0, c0 = torch.randn(B, I), torch.randn(B, H), torch.randn(B, H)
v = [torch.randn_like(p) for p in params]


def forward():
    for p in params:
        p.grad = None
    h, _ = cell(x, (h0, c0))
    return (h * h).sum()


def once():
    forward().backward()


def twice():
    g = torch.autograd.grad(forward(), params, create_graph=True)
    sum((gi * vi).sum() for gi, vi in zip(g, v)).backward()


variants = [forward, once, twice]
times = [[] for _ in variants]
for round_ in range(-3, 100):
    for run, ts in zip(variants, times):
        t0 = time.perf_counter()
        run()
        if round_ >= 0:
            ts.append((time.perf_counter() - t0) * 1e3)
f, one, two = (statistics.median(ts) for ts in times)
r = lambda value: round(value, 3)
print(json.dumps({"kind": "gradgrad", "sys": "torch", "cell": "LSTM", "cfg": "b-step", "forward_ms": r(f),
                  "backward_ms": r(one - f), "gradgrad_ms": r(two - f), "ratio": r((two - f) / (one - f)),
                  "ratio_incl_forward": r(two / one)}), flush=True)
