#!/usr/bin/env python3
"""Loads a legacy .npz demonstration file the way HumanCompatibleAI/imitation's loader does and
prints its trajectories as the project's JSON Lines, so a file written by the Java code can be
checked with NumPy (and diffed against the JSON Lines the Java code writes for the same data).

The loader splits the concatenated arrays at "indices": actions, infos and rewards at indices,
observations at indices + arange(len(indices)) + 1 (each trajectory has one more observation).

Usage: python3 tools/data/load_like_imitation.py FILE.npz ENV_ID [--infos]
--infos adds each trajectory's infos (this needs allow_pickle=True, as imitation's loader uses:
only load files you trust).
"""

import json
import sys

import numpy as np


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, env = sys.argv[1], sys.argv[2]
    with_infos = "--infos" in sys.argv[3:]
    data = np.load(path, allow_pickle=with_infos)
    indices = data["indices"]
    split_obs = np.split(data["obs"], indices + np.arange(len(indices)) + 1)
    split_acts = np.split(data["acts"], indices)
    split_rews = np.split(data["rews"], indices)
    split_infos = np.split(data["infos"], indices) if with_infos else [None] * len(split_acts)
    for obs, acts, rews, terminal, infos in zip(split_obs, split_acts, split_rews, data["terminal"], split_infos):
        assert len(obs) == len(acts) + 1 == len(rews) + 1, "inconsistent trajectory"
        record = {
            "schema_version": 1,
            "env": env,
            "obs": [[float(v) for v in row] for row in obs],
            "acts": [int(a) for a in acts] if acts.ndim == 1 else [[float(v) for v in row] for row in acts],
            "rews": [float(r) for r in rews],
            "terminal": bool(terminal),
        }
        if infos is not None:
            record["infos"] = list(infos)
        print(json.dumps(record))
    print(f"# dtypes: " + ", ".join(f"{k}={data[k].dtype}" for k in data.files if k != "infos" or with_infos),
          file=sys.stderr)


if __name__ == "__main__":
    main()
