"""Generates esn-spectral.fixture.json: random square matrices (nonzero entries as [row, col, value]) and their
spectral radii from numpy's eigvals (LAPACK geev), the reference for spectralRadius in esn.test.ts.
Run from this directory: /usr/bin/python3 esn-spectral-fixture.py"""
import json
import numpy as np

rng = np.random.default_rng(20261125)
cases = []
for name, n, density in [("sparse 60", 60, 0.1), ("dense 12", 12, 1.0), ("sparse 150", 150, 0.05)]:
    w = np.round(rng.uniform(-1, 1, (n, n)) * (rng.uniform(0, 1, (n, n)) < density), 6)
    ev = np.linalg.eigvals(w)
    top = ev[np.argmax(np.abs(ev))]
    entries = [[int(i), int(j), float(w[i, j])] for i, j in zip(*np.nonzero(w))]
    cases.append({"name": name, "n": n, "entries": entries, "radius": float(np.abs(top)), "complex": bool(top.imag != 0)})
    print(name, "radius", float(np.abs(top)), "dominant", top, "next |λ|", np.sort(np.abs(ev))[-3])
with open("esn-spectral.fixture.json", "w") as f:
    json.dump(cases, f)
