#!/usr/bin/env python3
"""Generates the .npz demonstration fixtures of imitation-core's tests.

Each fixture is laid out as HumanCompatibleAI/imitation's legacy writer (imitation.data.types.save,
June 2022 to April 2023) laid out trajectories: the per-trajectory arrays concatenated, with

    obs       every trajectory's T + 1 observations, one trajectory after another
    acts      every trajectory's T actions
    infos     object array of info dicts (trajectories without infos get empty dicts)
    terminal  one bool per trajectory
    indices   np.cumsum of the lengths of all trajectories but the last
    rews      every trajectory's T rewards (files of TrajectoryWithRew)

saved with np.savez_compressed. dtypes are those a Stable-Baselines3 rollout gives: float32
observations, int64 Discrete actions, float32 Box actions, float32 rewards. A one-trajectory file
is included on purpose: np.cumsum([]) is float64, so its "indices" is an empty float64 array.

Next to each fixture, <name>.expected.jsonl holds the same trajectories in the project's JSON Lines
schema (without infos, which the Java reader skips), so the test compares every number exactly.

Usage: python3 tools/data/make_npz_fixtures.py [output directory]
(default: imitation-core/src/test/resources/data). Deterministic: rerunning gives identical arrays.
"""

import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "imitation-core" / "src" / "test" / "resources" / "data"


def save_like_imitation(path, trajectories):
    """Writes trajectories (dicts with obs, acts, infos, terminal, rews) in the legacy .npz layout."""
    infos = [t["infos"] if t["infos"] is not None else np.full(len(t["acts"]), {}) for t in trajectories]
    arrays = {
        "obs": np.concatenate([t["obs"] for t in trajectories]),
        "acts": np.concatenate([t["acts"] for t in trajectories]),
        "infos": np.concatenate(infos),
        "terminal": np.array([t["terminal"] for t in trajectories]),
        "indices": np.cumsum([len(t["acts"]) for t in trajectories[:-1]]),
        "rews": np.concatenate([t["rews"] for t in trajectories]),
    }
    with open(path, "wb") as f:
        np.savez_compressed(f, **arrays)


def as_json_line(env, trajectory):
    """The project's JSON Lines record; float(x) of a float32 is its exact double, repr is shortest."""
    acts = trajectory["acts"]
    return json.dumps({
        "schema_version": 1,
        "env": env,
        "obs": [[float(v) for v in row] for row in trajectory["obs"]],
        "acts": [int(a) for a in acts] if acts.ndim == 1 else [[float(v) for v in row] for row in acts],
        "rews": [float(r) for r in trajectory["rews"]],
        "terminal": bool(trajectory["terminal"]),
    })


def tricky_float32(rng, rows, cols):
    """Random float32 observations plus values that catch lossy number handling."""
    obs = rng.normal(0.0, 1.5, size=(rows, cols)).astype(np.float32)
    specials = np.array([-0.0, 1e-45, 3.4028235e38, 0.1, -1.1754944e-38, 16777217.0, 2.5e-8],
                        dtype=np.float32)
    flat = obs.reshape(-1)
    flat[: min(len(specials), flat.size)] = specials[: flat.size]
    return obs


def cartpole(rng):
    lengths = [5, 1, 7]
    terminal = [True, False, True]
    trajectories = []
    for k, length in enumerate(lengths):
        infos = None
        if k != 1:  # the middle trajectory has no infos: the writer fills in empty dicts
            infos = np.array([{"step": t, "TimeLimit.truncated": False, "note": "é"} for t in range(length)],
                             dtype=object)
        trajectories.append({
            "obs": tricky_float32(rng, length + 1, 4) if k == 0 else rng.normal(size=(length + 1, 4)).astype(np.float32),
            "acts": rng.integers(0, 2, size=length).astype(np.int64),
            "infos": infos,
            "terminal": terminal[k],
            "rews": np.ones(length, dtype=np.float32),
        })
    return "CartPole-v1", trajectories


def pendulum(rng):
    trajectories = []
    for length in [4, 6]:
        trajectories.append({
            "obs": rng.uniform(-8.0, 8.0, size=(length + 1, 3)).astype(np.float32),
            "acts": rng.uniform(-2.0, 2.0, size=(length, 1)).astype(np.float32),
            "infos": None,
            "terminal": False,
            "rews": rng.uniform(-16.3, 0.0, size=length).astype(np.float32),
        })
    return "Pendulum-v1", trajectories


def mountaincar_single(rng):
    length = 3
    return "MountainCar-v0", [{
        "obs": rng.uniform(-1.2, 0.6, size=(length + 1, 2)).astype(np.float32),
        "acts": rng.integers(0, 3, size=length).astype(np.int64),
        "infos": np.array([{} for _ in range(length)], dtype=object),
        "terminal": True,
        "rews": np.full(length, -1.0, dtype=np.float32),
    }]


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240601)
    for name, make in [("imitation_cartpole", cartpole), ("imitation_pendulum", pendulum),
                       ("imitation_single", mountaincar_single)]:
        env, trajectories = make(rng)
        save_like_imitation(out / f"{name}.npz", trajectories)
        with open(out / f"{name}.expected.jsonl", "w", encoding="utf-8") as f:
            for trajectory in trajectories:
                f.write(as_json_line(env, trajectory) + "\n")
        print(f"wrote {out / name}.npz and .expected.jsonl: {env}, {len(trajectories)} trajectories")


if __name__ == "__main__":
    main()
