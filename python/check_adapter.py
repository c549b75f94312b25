#!/usr/bin/env python3
"""Checks serve_gymnasium.py end to end: it starts the adapter as a subprocess on a free port, drives it
over gRPC with the generated messages, and compares everything with Gymnasium run in this process.

    python3 python/check_adapter.py           # the checks; exit 0 when all pass
    python3 python/check_adapter.py --bench   # env steps/s through the adapter (CartPole-v1)

What is checked:
- CartPole-v1, Acrobot-v1, Pendulum-v1 and two test envs of a temporary module served by
  "module:EnvId-v0" ids (float64 Box observations of rank 1 and 2, a Discrete action with start -1 and
  a float64 Box action): the specs, and single-world episodes bit for bit against gymnasium.make(ENV)
  (seeded resets, unseeded resets after an episode ended, Reset mid-episode with and without a seed,
  truncation as TERMINATED with discount 1, termination with discount 0, a subset of observations);
- batched worlds (num_envs) bit for bit against gymnasium.vector.SyncVectorEnv (seed + i, next-step
  autoreset, Reset mid-run);
- errors: bad actions (range, dtype, shape, non-finite, missing), Step/Reset before JoinWorld, unknown
  settings, worlds, UIDs; the stream stays usable and the env is not stepped; worlds die with the stream
  that created them; an unsupported space stops the server at startup with a message naming it.
"""

import argparse
import itertools
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import grpc
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dm_env_rpc_pb2 as pb  # noqa: E402

import gymnasium  # noqa: E402
from gymnasium import spaces  # noqa: E402

SERVER = os.path.join(HERE, "serve_gymnasium.py")
LISTENING = re.compile(r"^serve_gymnasium: serving (\S+) over dm_env_rpc on port (\d+) "
                       r"\(dm-env-rpc://localhost:(\d+)\)$")
INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, UNIMPLEMENTED = 3, 5, 9, 12
RUNNING = pb.EnvironmentStateType.Value("RUNNING")
TERMINATED = pb.EnvironmentStateType.Value("TERMINATED")
FLOAT, DOUBLE, INT64, BOOL = (pb.DataType.Value(n) for n in ("FLOAT", "DOUBLE", "INT64", "BOOL"))

# A module of test envs for the "module:EnvId" form and the spaces the classic-control envs lack.
TEST_MODULE = "adapter_check_envs"
TEST_MODULE_SOURCE = textwrap.dedent('''
    import gymnasium
    import numpy as np
    from gymnasium import spaces


    class Walk(gymnasium.Env):
        """float64 Box(2) observation, Discrete(3, start=-1) action, ends outside [-2, 2]^2."""
        observation_space = spaces.Box(-np.inf, np.inf, (2,), np.float64)
        action_space = spaces.Discrete(3, start=-1)

        def reset(self, seed=None, options=None):
            super().reset(seed=seed)
            self.pos = self.np_random.normal(size=2)
            return self.pos.copy(), {}

        def step(self, action):
            self.pos = self.pos + 0.3 * action + self.np_random.normal(scale=0.2, size=2)
            reward = -float(np.hypot(*self.pos)) / 3.0
            return self.pos.copy(), reward, bool(np.abs(self.pos).max() > 2.0), False, {}


    class Push(gymnasium.Env):
        """float64 Box(2, 3) observation, float64 Box(2) action in [-1, 1] (clipped), never terminates."""
        observation_space = spaces.Box(-10.0, 10.0, (2, 3), np.float64)
        action_space = spaces.Box(-1.0, 1.0, (2,), np.float64)

        def reset(self, seed=None, options=None):
            super().reset(seed=seed)
            self.state = self.np_random.uniform(-1, 1, size=(2, 3))
            return self.state.copy(), {}

        def step(self, action):
            a = np.clip(action, -1.0, 1.0)
            self.state = np.clip(np.tanh(self.state + a[:, None] / 7.0), -10, 10)
            return self.state.copy(), float(np.sum(self.state ** 2) / 3.0), False, False, {}


    class Dict(gymnasium.Env):
        observation_space = spaces.Dict({"x": spaces.Discrete(2)})
        action_space = spaces.Discrete(2)


    gymnasium.register("AdapterCheckWalk-v0", entry_point=Walk, max_episode_steps=30)
    gymnasium.register("AdapterCheckPush-v0", entry_point=Push, max_episode_steps=25)
    gymnasium.register("AdapterCheckDict-v0", entry_point=Dict)
''')


class CheckFailed(AssertionError):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


# ---------------------------------------------------------------------------------------------------
# The server process and a client stream


class Server:
    """serve_gymnasium.py on a free port (--port 0: it prints the port it got)."""

    def __init__(self, env_id, extra_path=None):
        self.env_id = env_id
        env = dict(os.environ)
        if extra_path:
            env["PYTHONPATH"] = os.pathsep.join(p for p in (extra_path, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen([sys.executable, SERVER, "--env", env_id, "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                        cwd=tempfile.gettempdir())  # any cwd works
        self.stderr = []
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            self.line = lines.get(timeout=60).rstrip("\n")
        except queue.Empty:
            self.stop()
            raise CheckFailed(f"{env_id}: the server printed nothing within 60 s; stderr:\n{self.log()}")
        match = LISTENING.match(self.line)
        if not match:
            self.stop()
            raise CheckFailed(f"{env_id}: unexpected first line {self.line!r}; stderr:\n{self.log()}")
        expect(match.group(1) == env_id and match.group(2) == match.group(3), f"listening line {self.line!r}")
        self.port = int(match.group(2))
        self.channel = grpc.insecure_channel(f"localhost:{self.port}")
        grpc.channel_ready_future(self.channel).result(timeout=30)

    def _drain(self):
        for line in self.process.stderr:
            self.stderr.append(line)

    def log(self):
        return "".join(self.stderr)

    def stream(self):
        return Stream(self.channel)

    def stop(self):
        """SIGTERM; the server must exit 0 and print nothing more on stdout. Returns its stderr."""
        if self.process.returncode is not None:
            return self.log()  # stopped already
        if hasattr(self, "channel"):
            self.channel.close()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise CheckFailed(f"{self.env_id}: the server did not stop within 20 s of SIGTERM")
        self.drain.join(timeout=5)
        rest = self.process.stdout.read()
        self.process.stdout.close()
        self.process.stderr.close()
        expect(self.process.returncode == 0, f"{self.env_id}: the server exited with {self.process.returncode}; "
               f"stderr:\n{self.log()}")
        expect(not rest, f"{self.env_id}: the server printed more than one line on stdout: {rest!r}")
        return self.log()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.stop()
        else:
            try:
                self.stop()
            except CheckFailed:
                pass
            print(f"--- server stderr ({self.env_id}) ---\n{self.log()}", file=sys.stderr)


class Stream:
    """One Process stream: send a request, get its response."""

    def __init__(self, channel):
        self.requests = queue.Queue()
        process = channel.stream_stream("/dm_env_rpc.v1.Environment/Process",
                                        request_serializer=pb.EnvironmentRequest.SerializeToString,
                                        response_deserializer=pb.EnvironmentResponse.FromString)
        self.responses = process(iter(self.requests.get, None))

    def call(self, request):
        self.requests.put(request)
        return next(self.responses)

    def ok(self, **payload):
        """Sends a request (EnvironmentRequest field=message) that must succeed; returns the response part."""
        (kind, _), = payload.items()
        response = self.call(pb.EnvironmentRequest(**payload))
        expect(not response.HasField("error"), f"{kind} failed: {response.error}")
        expect(response.WhichOneof("payload") == kind, f"{kind} answered with {response.WhichOneof('payload')}")
        return getattr(response, kind)

    def error(self, code, contains=None, **payload):
        """Sends a request that must be refused with `code` (and a message containing `contains`)."""
        (kind, _), = payload.items()
        response = self.call(pb.EnvironmentRequest(**payload))
        expect(response.HasField("error"), f"{kind} should fail with code {code}, got {response}")
        expect(response.error.code == code, f"{kind}: code {response.error.code} ({response.error.message}), "
               f"expected {code}")
        if contains:
            expect(contains in response.error.message, f"{kind}: message {response.error.message!r} lacks "
                   f"{contains!r}")
        return response.error.message

    def close(self):
        self.requests.put(None)
        for _ in self.responses:  # the server ends the call once the requests are done
            pass


def int_tensor(value, payload="int64s", shape=()):
    array_type = {"int64s": pb.Tensor.Int64Array, "int32s": pb.Tensor.Int32Array}[payload]
    return pb.Tensor(shape=list(shape), **{payload: array_type(array=[int(value)])})


def create(stream, **settings):
    return stream.ok(create_world=pb.CreateWorldRequest(settings=settings)).world_name


def reset_request(seed=None):
    settings = {} if seed is None else {"seed": int_tensor(seed)}
    return pb.ResetRequest(settings=settings)


# ---------------------------------------------------------------------------------------------------
# Tensors <-> arrays


def action_tensor(space, action):
    a = np.asarray(action)
    if isinstance(space, spaces.Discrete):
        return pb.Tensor(shape=list(a.shape), int64s=pb.Tensor.Int64Array(array=a.astype(np.int64).ravel().tolist()))
    if space.dtype == np.float32:
        return pb.Tensor(shape=list(a.shape), floats=pb.Tensor.FloatArray(array=a.ravel().tolist()))
    return pb.Tensor(shape=list(a.shape), doubles=pb.Tensor.DoubleArray(array=a.ravel().tolist()))


PAYLOAD_DTYPES = {"floats": np.float32, "doubles": np.float64, "int64s": np.int64, "bools": np.bool_}


def to_array(tensor):
    payload = tensor.WhichOneof("payload")
    values = np.array(getattr(tensor, payload).array, dtype=PAYLOAD_DTYPES[payload])
    return values.reshape(tuple(tensor.shape))


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def bound_values(value):
    payload = value.WhichOneof("payload")
    if payload in ("floats", "doubles"):
        return np.array(getattr(value, payload).array, dtype=PAYLOAD_DTYPES[payload])
    return getattr(value, payload)


class Actions:
    """Seeded random actions of a space, Box ones reaching 1.5x beyond the bounds (the env clips them)."""

    def __init__(self, space, seed):
        self.space = space
        self.rng = np.random.default_rng(seed)

    def sample(self, batch=None):
        space = self.space
        if isinstance(space, spaces.Discrete):
            values = self.rng.integers(int(space.start), int(space.start) + int(space.n), size=batch or ())
            return values if batch else np.int64(values)
        shape = ((batch,) if batch else ()) + space.shape
        low, high = np.broadcast_to(space.low, space.shape), np.broadcast_to(space.high, space.shape)
        mid, half = (low + high) / 2, (high - low) / 2
        return (mid + 1.5 * half * self.rng.uniform(-1, 1, size=shape)).astype(space.dtype)


# ---------------------------------------------------------------------------------------------------
# Specs


def check_specs(specs, env, batch):
    what = f"specs (batch {batch})"
    expect(len(specs.actions) == 1, f"{what}: {len(specs.actions)} action specs")
    (action,) = specs.actions.values()
    expect(action.name == "action", f"{what}: the action spec is named {action.name!r}")
    names = {spec.name: uid for uid, spec in specs.observations.items()}
    wanted = {"observation", "reward", "discount"} | ({"terminated", "truncated"} if batch else set())
    expect(set(names) == wanted and len(names) == len(specs.observations), f"{what}: observations {sorted(names)}")
    lead = [batch] if batch else []
    for name in ("reward", "discount"):
        spec = specs.observations[names[name]]
        expect(spec.dtype == DOUBLE and list(spec.shape) == lead, f"{what}: {name} spec {spec}")
    for name in ("terminated", "truncated") if batch else ():
        spec = specs.observations[names[name]]
        expect(spec.dtype == BOOL and list(spec.shape) == lead, f"{what}: {name} spec {spec}")
    for spec, space in ((action, env.action_space), (specs.observations[names["observation"]], env.observation_space)):
        if isinstance(space, spaces.Discrete):
            expect(spec.dtype == INT64 and list(spec.shape) == lead, f"{what}: {spec.name} {spec}")
            expect(spec.min.int64 == space.start and spec.max.int64 == space.start + space.n - 1,
                   f"{what}: {spec.name} bounds {spec.min} {spec.max} for {space}")
        else:
            dtype = FLOAT if space.dtype == np.float32 else DOUBLE
            expect(spec.dtype == dtype and list(spec.shape) == lead + list(space.shape), f"{what}: {spec.name} {spec}")
            for value, bound in ((spec.min, space.low), (spec.max, space.high)):
                expect(same_bits(bound_values(value), np.tile(bound.ravel(), batch or 1)),
                       f"{what}: {spec.name} bound {value} for {space}")
    return {"action": next(iter(specs.actions))} | names


# ---------------------------------------------------------------------------------------------------
# Single worlds


class SingleRun:
    """A plain world and gymnasium.make(ENV) stepped side by side."""

    def __init__(self, server, env_id, seed, stream=None):
        self.ref = gymnasium.make(env_id)
        self.stream = stream or server.stream()
        self.name = create(self.stream)
        specs = self.stream.ok(join_world=pb.JoinWorldRequest(world_name=self.name)).specs
        self.uids = check_specs(specs, self.ref, None)
        self.requested = [self.uids[n] for n in ("observation", "reward", "discount")]
        self.actions = Actions(self.ref.action_space, seed)
        self.ends = {"terminated": 0, "truncated": 0}
        self.steps = 0

    def step_request(self, action=None, requested=None):
        actions = {} if action is None else {self.uids["action"]: action}
        return pb.StepRequest(actions=actions, requested_observations=requested or self.requested)

    def check_response(self, step, observation, reward, discount, state, where):
        obs = step.observations
        expect(set(obs) == set(self.requested), f"{where}: observations {sorted(obs)}")
        served = to_array(obs[self.uids["observation"]])
        expect(same_bits(served, np.asarray(observation)), f"{where}: observation {served!r} != {observation!r}")
        expect(same_bits(to_array(obs[self.uids["reward"]]), np.float64(reward)),
               f"{where}: reward {obs[self.uids['reward']]} != {reward!r}")
        expect(same_bits(to_array(obs[self.uids["discount"]]), np.float64(discount)), f"{where}: discount")
        expect(step.state == state, f"{where}: state {step.state} != {state}")

    def start(self, seed=None, reset=True, action=None):
        """A new episode: Reset (seed optional) unless the last one ended, then a Step whose action (if
        any) must be ignored."""
        if reset:
            self.stream.ok(reset=reset_request(seed))
        step = self.stream.ok(step=self.step_request(action))
        observation, _ = self.ref.reset(seed=seed)
        self.check_response(step, observation, 0.0, 1.0, RUNNING, f"first step (seed {seed})")
        self.last = observation

    def run(self, max_steps, policy=None, subset_at=None):
        """Steps up to max_steps or the episode's end; returns whether it ended."""
        for t in range(max_steps):
            action = policy(self.last) if policy else self.actions.sample()
            where = f"step {t} (action {action})"
            observation, reward, terminated, truncated, _ = self.ref.step(action)
            self.last = observation
            self.steps += 1
            if t == subset_at:  # only the reward is requested: only the reward comes back
                step = self.stream.ok(step=self.step_request(action_tensor(self.ref.action_space, action),
                                                            [self.uids["reward"]]))
                expect(list(step.observations) == [self.uids["reward"]], f"{where}: asked for the reward only")
                expect(same_bits(to_array(step.observations[self.uids["reward"]]), np.float64(reward)), where)
            else:
                step = self.stream.ok(step=self.step_request(action_tensor(self.ref.action_space, action)))
                state = TERMINATED if terminated or truncated else RUNNING
                self.check_response(step, observation, reward, 0.0 if terminated else 1.0, state, where)
            if terminated or truncated:
                self.ends["terminated" if terminated else "truncated"] += 1
                return True
        return False

    def close(self):
        self.stream.ok(leave_world=pb.LeaveWorldRequest())
        self.stream.ok(destroy_world=pb.DestroyWorldRequest(world_name=self.name))
        self.stream.close()
        self.ref.close()


def balance(observation):
    """A CartPole controller that usually lasts the 500 steps, to reach the time limit."""
    x, x_dot, theta, theta_dot = observation
    return np.int64(1 if theta + 0.5 * theta_dot + 0.01 * x + 0.1 * x_dot > 0 else 0)


def check_single(server, env_id, max_steps):
    run = SingleRun(server, env_id, seed=11)
    # The first Step after JoinWorld resets; its action, even an invalid one, is ignored.
    bogus = pb.Tensor(strings=pb.Tensor.StringArray(array=["ignored"]))
    run.start(seed=42, action=bogus)
    ended = run.run(max_steps, subset_at=3)
    for _ in range(3):  # after an end, the next Step resets without a seed
        if not ended:
            break
        run.start(reset=False, action=action_tensor(run.ref.action_space, run.actions.sample()))
        ended = run.run(max_steps)
    run.start(seed=7)  # Reset with a seed, mid-episode or not
    run.run(5)
    run.start(seed=None)  # Reset without a seed: continues the generator
    run.run(max_steps)
    if env_id == "CartPole-v1":  # reach the time limit too
        run.start(seed=3)
        run.run(600, policy=balance)
    run.close()
    return run.steps, run.ends


# ---------------------------------------------------------------------------------------------------
# Batched worlds


def check_batched(server, env_id, n, steps, seed_dtype="int64s"):
    ref = gymnasium.vector.SyncVectorEnv([lambda: gymnasium.make(env_id) for _ in range(n)])
    expect(str(ref.metadata["autoreset_mode"]).lower().endswith("next_step"), "reference autoreset mode")
    single = gymnasium.make(env_id)
    stream = server.stream()
    name = create(stream, num_envs=int_tensor(n, seed_dtype))
    uids = check_specs(stream.ok(join_world=pb.JoinWorldRequest(world_name=name)).specs, single, n)
    requested = [uids[k] for k in ("observation", "reward", "discount", "terminated", "truncated")]
    actions = Actions(single.action_space, seed=5)
    counts = {"steps": 0, "ends": 0, "ignored_invalid": 0}
    previous_end = np.zeros(n, dtype=bool)

    def compare(step, observation, reward, terminated, truncated, where):
        obs = step.observations
        expect(step.state == RUNNING, f"{where}: state {step.state}")
        expect(same_bits(to_array(obs[uids["observation"]]), observation), f"{where}: observations differ:\n"
               f"{to_array(obs[uids['observation']])!r}\n{observation!r}")
        expect(same_bits(to_array(obs[uids["reward"]]), reward), f"{where}: rewards {obs[uids['reward']]} {reward}")
        expect(same_bits(to_array(obs[uids["terminated"]]), terminated), f"{where}: terminated")
        expect(same_bits(to_array(obs[uids["truncated"]]), truncated), f"{where}: truncated")
        expect(same_bits(to_array(obs[uids["discount"]]), np.where(terminated, 0.0, 1.0)), f"{where}: discount")

    def start(seed):
        nonlocal previous_end
        stream.ok(reset=reset_request(seed))
        step = stream.ok(step=pb.StepRequest(requested_observations=requested))
        observation, _ = ref.reset(seed=seed)
        compare(step, observation, np.zeros(n), np.zeros(n, bool), np.zeros(n, bool), f"reset (seed {seed})")
        previous_end = np.zeros(n, dtype=bool)

    def run(count):
        nonlocal previous_end
        for t in range(count):
            action = actions.sample(n)
            sent = action.copy()
            if previous_end.any():
                # A sub-env that resets ignores its action: even an invalid one is accepted.
                space = single.action_space
                sent[previous_end] = space.start + space.n + 5 if isinstance(space, spaces.Discrete) else np.nan
                counts["ignored_invalid"] += 1
            step = stream.ok(step=pb.StepRequest(actions={uids["action"]: action_tensor(single.action_space, sent)},
                                                 requested_observations=requested))
            observation, reward, terminated, truncated, _ = ref.step(action)
            compare(step, observation, reward, terminated, truncated, f"step {t}")
            previous_end = terminated | truncated
            counts["steps"] += n
            counts["ends"] += int(previous_end.sum())

    start(123)
    run(steps)
    start(99)  # Reset mid-run: sub-env i is seeded with 99 + i
    run(steps // 4)
    start(None)  # each sub-env continues its generator
    run(steps // 4)
    stream.ok(leave_world=pb.LeaveWorldRequest())
    stream.ok(destroy_world=pb.DestroyWorldRequest(world_name=name))
    stream.close()
    ref.close()
    single.close()
    return counts


# ---------------------------------------------------------------------------------------------------
# Errors


def check_errors_discrete(server):
    """CartPole-v1: refused requests change nothing and the stream goes on."""
    s = server.stream()
    step = pb.StepRequest(actions={1: int_tensor(0)}, requested_observations=[2])
    s.error(FAILED_PRECONDITION, "JoinWorld", step=step)
    s.error(FAILED_PRECONDITION, "JoinWorld", reset=reset_request(1))
    s.error(INVALID_ARGUMENT, "'foo'", create_world=pb.CreateWorldRequest(settings={"foo": int_tensor(1)}))
    s.error(INVALID_ARGUMENT, "num_envs", create_world=pb.CreateWorldRequest(settings={"num_envs": int_tensor(0)}))
    s.error(INVALID_ARGUMENT, "num_envs", create_world=pb.CreateWorldRequest(
        settings={"num_envs": pb.Tensor(floats=pb.Tensor.FloatArray(array=[2.0]))}))
    s.error(NOT_FOUND, "nope", join_world=pb.JoinWorldRequest(world_name="nope"))
    s.error(UNIMPLEMENTED, None, reset_world=pb.ResetWorldRequest(world_name="x"))

    # The same stream is usable: a world, stepped next to the reference env.
    run = SingleRun(server, "CartPole-v1", seed=3, stream=s)
    s.error(FAILED_PRECONDITION, "already joined", join_world=pb.JoinWorldRequest(world_name=run.name))
    s.error(INVALID_ARGUMENT, "seed", reset=reset_request(-1))
    s.error(INVALID_ARGUMENT, "'bar'", reset=pb.ResetRequest(settings={"bar": int_tensor(1)}))
    run.start(seed=5)
    act = run.uids["action"]
    bad_steps = {
        "outside Discrete range": {act: int_tensor(2)},
        "outside": {act: int_tensor(-1)},
        "INT64": {act: pb.Tensor(floats=pb.Tensor.FloatArray(array=[1.0]))},
        "INT64 tensor": {act: int_tensor(1, "int32s")},
        "shape": {act: pb.Tensor(shape=[2], int64s=pb.Tensor.Int64Array(array=[0, 1]))},
        "no action": {},
        "UID": {act: int_tensor(0), 77: int_tensor(0)},
    }
    for message, actions in bad_steps.items():
        s.error(INVALID_ARGUMENT, message, step=pb.StepRequest(actions=actions, requested_observations=run.requested))
        run.run(1)  # the env was not stepped: the next valid step still matches
    s.error(INVALID_ARGUMENT, "UID", step=pb.StepRequest(actions={act: int_tensor(0)}, requested_observations=[99]))
    run.run(2)
    s.ok(leave_world=pb.LeaveWorldRequest())
    s.error(FAILED_PRECONDITION, "JoinWorld", step=step)
    s.ok(leave_world=pb.LeaveWorldRequest())  # leaving twice is harmless

    # Two streams: a joined world can be neither joined nor destroyed by another stream.
    other = server.stream()
    s.ok(join_world=pb.JoinWorldRequest(world_name=run.name))
    other.error(FAILED_PRECONDITION, "already joined", join_world=pb.JoinWorldRequest(world_name=run.name))
    other.error(FAILED_PRECONDITION, "joined", destroy_world=pb.DestroyWorldRequest(world_name=run.name))
    other.error(NOT_FOUND, None, destroy_world=pb.DestroyWorldRequest(world_name="nope"))
    # A world another stream created but nobody joined can be joined; it dies with its creator's stream.
    orphan = create(other)
    other.close()
    s.ok(leave_world=pb.LeaveWorldRequest())
    deadline = time.monotonic() + 10
    while True:
        response = s.call(pb.EnvironmentRequest(join_world=pb.JoinWorldRequest(world_name=orphan)))
        if response.HasField("error"):
            expect(response.error.code == NOT_FOUND, f"join of a dead stream's world: {response.error}")
            break
        s.ok(leave_world=pb.LeaveWorldRequest())
        expect(time.monotonic() < deadline, "the world of a closed stream was not destroyed within 10 s")
        time.sleep(0.05)
    s.ok(destroy_world=pb.DestroyWorldRequest(world_name=run.name))
    s.error(NOT_FOUND, None, join_world=pb.JoinWorldRequest(world_name=run.name))
    s.close()
    run.ref.close()


def check_errors_box(server):
    """Pendulum-v1: non-finite or misshapen Box actions are refused; finite out-of-bounds ones are clipped."""
    run = SingleRun(server, "Pendulum-v1", seed=4)
    run.start(seed=8)
    act = run.uids["action"]
    bad_steps = {
        "non-finite": pb.Tensor(shape=[1], floats=pb.Tensor.FloatArray(array=[float("nan")])),
        "non-finite ": pb.Tensor(shape=[1], floats=pb.Tensor.FloatArray(array=[float("inf")])),
        "FLOAT": pb.Tensor(shape=[1], doubles=pb.Tensor.DoubleArray(array=[0.5])),
        "shape": pb.Tensor(shape=[2], floats=pb.Tensor.FloatArray(array=[0.5, 0.5])),
        "shape ": pb.Tensor(floats=pb.Tensor.FloatArray(array=[0.5])),  # a scalar, not [1]
    }
    for message, tensor in bad_steps.items():
        run.stream.error(INVALID_ARGUMENT, message.strip(),
                                     step=pb.StepRequest(actions={act: tensor}, requested_observations=run.requested))
        run.run(1)
    # Out of bounds but finite: Gymnasium clips it, and so does the served env.
    for value in (5.0, -1e30):
        action = np.array([value], dtype=np.float32)
        observation, reward, terminated, truncated, _ = run.ref.step(action)
        step = run.stream.ok(step=run.step_request(action_tensor(run.ref.action_space, action)))
        run.check_response(step, observation, reward, 0.0 if terminated else 1.0,
                           TERMINATED if terminated or truncated else RUNNING, f"action {value}")
    # Batched: the action needs the batch dimension.
    s = server.stream()
    name = create(s, num_envs=int_tensor(3))
    s.ok(join_world=pb.JoinWorldRequest(world_name=name))
    s.ok(step=pb.StepRequest(requested_observations=[2]))
    s.error(INVALID_ARGUMENT, "shape", step=pb.StepRequest(
        actions={act: pb.Tensor(shape=[1], floats=pb.Tensor.FloatArray(array=[0.5]))}, requested_observations=[2]))
    s.error(INVALID_ARGUMENT, "non-finite", step=pb.StepRequest(
        actions={act: pb.Tensor(shape=[3, 1], floats=pb.Tensor.FloatArray(array=[0.5, float("nan"), 0.1]))},
        requested_observations=[2]))
    s.ok(step=pb.StepRequest(actions={act: pb.Tensor(shape=[3, 1], floats=pb.Tensor.FloatArray(array=[0.5, 1, 0.1]))},
                             requested_observations=[2]))
    s.close()  # without leaving or destroying: the server cleans up
    run.close()


def check_unsupported(path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (path, os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run([sys.executable, SERVER, "--env", f"{TEST_MODULE}:AdapterCheckDict-v0", "--port", "0"],
                          capture_output=True, text=True, env=env, timeout=60)
    expect(done.returncode != 0 and not done.stdout, f"a Dict space should stop the server: rc {done.returncode}, "
           f"stdout {done.stdout!r}")
    expect("Dict" in done.stderr and "observation" in done.stderr,
           f"the message should name the space: {done.stderr!r}")
    return done.stderr.strip().splitlines()[-1]


# ---------------------------------------------------------------------------------------------------


def checks():
    started = time.monotonic()
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, f"{TEST_MODULE}.py"), "w") as f:
            f.write(TEST_MODULE_SOURCE)
        sys.path.insert(0, tmp)
        cases = [
            # env id, episode step cap, batched steps, num_envs dtype
            ("CartPole-v1", 600, 300, "int32s"),
            ("Acrobot-v1", 600, 1100, "int64s"),
            ("Pendulum-v1", 300, 450, "int64s"),
            (f"{TEST_MODULE}:AdapterCheckWalk-v0", 100, 200, "int64s"),
            (f"{TEST_MODULE}:AdapterCheckPush-v0", 100, 120, "int64s"),
        ]
        for env_id, cap, batched_steps, dtype in cases:
            with Server(env_id, extra_path=tmp) as server:
                steps, ends = check_single(server, env_id, cap)
                counts = check_batched(server, env_id, 4, batched_steps, dtype)
                if env_id == "CartPole-v1":
                    check_errors_discrete(server)
                if env_id == "Pendulum-v1":
                    check_errors_box(server)
                stderr = server.stop()
            expect("stream opened from" in stderr and "stream closed from" in stderr, f"{env_id}: connection log")
            expect(ends["truncated"] > 0, f"{env_id}: no episode reached the time limit")
            expect(ends["terminated"] > 0 or env_id not in ("CartPole-v1", f"{TEST_MODULE}:AdapterCheckWalk-v0"),
                   f"{env_id}: no episode terminated")
            expect(counts["ends"] > 0, f"{env_id}: no autoreset happened")
            summary.append(f"{env_id}: single world {steps} steps bit-exact ({ends['terminated']} terminated, "
                           f"{ends['truncated']} truncated); batched x4 {counts['steps']} env steps bit-exact "
                           f"({counts['ends']} episode ends autoreset, {counts['ignored_invalid']} steps with an "
                           "invalid action ignored at a resetting sub-env)")
        summary.append("errors: bad actions, requests before JoinWorld, unknown settings/worlds/UIDs, foreign "
                       "worlds refused with the stream still usable; worlds die with their stream")
        summary.append(f"unsupported space refused at startup: {check_unsupported(tmp)}")
    for line in summary:
        print(line)
    print(f"check_adapter: all checks passed ({time.monotonic() - started:.1f} s)")


def bench(seconds):
    env_id = "CartPole-v1"
    with Server(env_id) as server:
        for batch in (None, 8):
            s = server.stream()
            settings = {} if batch is None else {"num_envs": int_tensor(batch)}
            name = s.ok(create_world=pb.CreateWorldRequest(settings=settings)).world_name
            specs = s.ok(join_world=pb.JoinWorldRequest(world_name=name)).specs
            uids = {spec.name: uid for uid, spec in specs.observations.items()}
            requested = [uids[k] for k in ("observation", "reward", "discount", "terminated", "truncated") if k in uids]
            s.ok(reset=reset_request(0))
            s.ok(step=pb.StepRequest(requested_observations=requested))
            rng = np.random.default_rng(0)
            # A pool of random valid actions, built beforehand so that the loop measures the round trip.
            pool = [pb.EnvironmentRequest(step=pb.StepRequest(
                actions={1: pb.Tensor(shape=[] if batch is None else [batch], int64s=pb.Tensor.Int64Array(
                    array=rng.integers(0, 2, size=batch or 1).tolist()))},
                requested_observations=requested)) for _ in range(256)]
            requests = 0
            start = time.perf_counter()
            for request in itertools.cycle(pool):
                response = s.call(request)
                requests += 1
                if requests % 64 == 0 and time.perf_counter() - start >= seconds:
                    break
            elapsed = time.perf_counter() - start
            expect(not response.HasField("error"), f"bench step failed: {response.error}")
            s.close()
            what = "1 world" if batch is None else f"batched world of {batch}"
            print(f"{env_id}, {what}: {requests * (batch or 1) / elapsed:,.0f} env steps/s "
                  f"({requests / elapsed:,.0f} Step round trips/s, {elapsed:.1f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", action="store_true", help="measure env steps/s instead of checking")
    parser.add_argument("--seconds", type=float, default=3.0, help="bench duration per case (default 3)")
    args = parser.parse_args()
    try:
        bench(args.seconds) if args.bench else checks()
    except CheckFailed as e:
        print(f"check_adapter: FAILED: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
