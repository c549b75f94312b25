#!/usr/bin/env python3
"""Serves a Gymnasium environment over DeepMind's dm_env_rpc protocol (gRPC).

    python3 python/serve_gymnasium.py --env CartPole-v1 --port 50051

Any id that ``gymnasium.make`` accepts works, including ``"some.module:MyEnv-v0"`` (Gymnasium imports
the module, which registers the env). The server follows this project's dm_env_rpc profile (see
docs/environments.md): plain worlds of one env, and batched worlds of N envs
(``CreateWorld{settings: {"num_envs": N}}``) with Gymnasium 1.x next-step autoreset.

Spaces: Box (float32 -> FLOAT, float64 -> DOUBLE) and Discrete (INT64, with its start) for actions and
observations; any other space is refused at startup. Observations travel in the space's own dtype,
rewards and discounts as float64, so a client sees exactly the bits the env produced.

Dependencies: gymnasium, numpy, grpcio, protobuf. The messages come from dm_env_rpc_pb2.py next to
this script (regenerate it with generate_protos.sh).
"""

import argparse
import itertools
import math
import os
import secrets
import signal
import sys
import threading
import traceback
import urllib.parse
from concurrent import futures

import grpc
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dm_env_rpc_pb2 as pb  # noqa: E402  (needs the path above)

import gymnasium  # noqa: E402
from gymnasium import spaces  # noqa: E402

SERVICE = "dm_env_rpc.v1.Environment"

# google.rpc status codes used in EnvironmentResponse.error.
INVALID_ARGUMENT = 3
NOT_FOUND = 5
FAILED_PRECONDITION = 9
UNIMPLEMENTED = 12
INTERNAL = 13

# UIDs of the specs. Clients find specs by name; the numbers only need to be stable within a world.
ACTION_UID = 1
OBSERVATION_UID = 2
REWARD_UID = 3
DISCOUNT_UID = 4
TERMINATED_UID = 5
TRUNCATED_UID = 6

RUNNING = pb.EnvironmentStateType.Value("RUNNING")
TERMINATED = pb.EnvironmentStateType.Value("TERMINATED")

# Tensor payload fields that hold integers, with how to read them as a list of Python ints.
_INTEGER_PAYLOADS = {
    "int64s": lambda a: list(a.array),
    "int32s": lambda a: list(a.array),
    "uint64s": lambda a: list(a.array),
    "uint32s": lambda a: list(a.array),
    "int8s": lambda a: np.frombuffer(a.array, dtype=np.int8).tolist(),
    "uint8s": lambda a: list(a.array),
}


def log(message):
    print(f"serve_gymnasium: {message}", file=sys.stderr, flush=True)


class RpcError(Exception):
    """A request refused with a google.rpc code; the request has changed nothing."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class UnsupportedSpace(Exception):
    pass


def error_response(code, message):
    return pb.EnvironmentResponse(error=pb.RpcStatus(code=code, message=message))


def describe_tensor(tensor):
    payload = tensor.WhichOneof("payload")
    return f"a tensor with {payload or 'no'} payload and shape {list(tensor.shape)}"


def tensor_shape(tensor, size, what):
    """The shape a tensor of `size` payload elements stands for, by dm_env_rpc's rules: an empty shape
    is a scalar, one dimension may be negative (inferred), and one element fills any shape."""
    dims = list(tensor.shape)
    negative = [i for i, d in enumerate(dims) if d < 0]
    if len(negative) > 1:
        raise RpcError(INVALID_ARGUMENT, f"{what}: shape {dims} has more than one negative dimension")
    if negative:
        known = math.prod(d for d in dims if d >= 0)
        if known == 0 or size % known:
            raise RpcError(INVALID_ARGUMENT, f"{what}: {size} values do not fit shape {dims}")
        dims[negative[0]] = size // known
    elements = math.prod(dims)
    if elements != size and size != 1:
        raise RpcError(INVALID_ARGUMENT, f"{what}: shape {dims} needs {elements} values, the payload has {size}")
    return tuple(dims)


def integer_setting(name, tensor):
    """A setting that must be one integer (any integer dtype, scalar or a one-element shape)."""
    payload = tensor.WhichOneof("payload")
    if payload not in _INTEGER_PAYLOADS:
        raise RpcError(INVALID_ARGUMENT, f"setting '{name}' must be an integer scalar, got {describe_tensor(tensor)}")
    values = _INTEGER_PAYLOADS[payload](getattr(tensor, payload))
    if len(values) != 1 or any(d not in (1, -1) for d in tensor.shape):
        raise RpcError(INVALID_ARGUMENT, f"setting '{name}' must be one integer, got {describe_tensor(tensor)}")
    return int(values[0])


def check_settings(settings, allowed, request):
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        known = ", ".join(f"'{k}'" for k in allowed) or "none"
        raise RpcError(INVALID_ARGUMENT, f"{request}: unknown setting(s) {', '.join(map(repr, unknown))} "
                       f"(this server accepts: {known})")


class SpaceCodec:
    """How values of one Gymnasium space travel as dm_env_rpc tensors: the wire dtype, the payload field,
    the shape of one value and the bounds. Worlds and threads share it: nothing in it changes after it is
    built, apart from a warn-once flag."""

    def __init__(self, space, role):
        if isinstance(space, spaces.Discrete):
            self.discrete = True
            self.dtype = np.dtype(np.int64)
            self.wire_dtype = pb.DataType.Value("INT64")
            self.field = "int64s"
            self.shape = ()
            self.low = int(space.start)
            self.high = int(space.start) + int(space.n) - 1
        elif isinstance(space, spaces.Box) and space.dtype in (np.float32, np.float64):
            self.discrete = False
            self.dtype = np.dtype(space.dtype)
            single = self.dtype == np.float32
            self.wire_dtype = pb.DataType.Value("FLOAT" if single else "DOUBLE")
            self.field = "floats" if single else "doubles"
            self.shape = tuple(int(d) for d in space.shape)
            self.low = np.asarray(space.low, dtype=self.dtype).reshape(self.shape)
            self.high = np.asarray(space.high, dtype=self.dtype).reshape(self.shape)
        elif isinstance(space, spaces.Box):
            raise UnsupportedSpace(f"the {role} space {space} has dtype {space.dtype}; this adapter serves Box "
                                   "spaces of float32 or float64 and Discrete spaces")
        else:
            raise UnsupportedSpace(f"the {role} space {space} is a {type(space).__name__} space; this adapter "
                                   "serves Box (float32 or float64) and Discrete spaces only")
        self.role = role
        self.wire_name = pb.DataType.Name(self.wire_dtype)
        self._warned_lossy = False

    def spec(self, name, batch):
        """The TensorSpec of this space; `batch` (None for a plain world) adds a leading dimension."""
        spec = pb.TensorSpec(name=name, dtype=self.wire_dtype, shape=self.batched_shape(batch))
        if self.discrete:
            spec.min.int64 = self.low
            spec.max.int64 = self.high
        else:
            # One bound per element of the whole tensor (so repeated over the batch), +-inf included.
            getattr(spec.min, self.field).array.extend(np.tile(self.low.ravel(), batch or 1).tolist())
            getattr(spec.max, self.field).array.extend(np.tile(self.high.ravel(), batch or 1).tolist())
        return spec

    def batched_shape(self, batch):
        return self.shape if batch is None else (batch,) + self.shape

    def to_array(self, value):
        """An env's value as an array of this space's dtype. A value of another dtype is converted; if that
        changes it (float64 values in a float32 space), say so once rather than round silently."""
        array = np.asarray(value)
        if array.dtype != self.dtype:
            converted = array.astype(self.dtype)
            if not self._warned_lossy and not np.array_equal(converted, array, equal_nan=True):
                self._warned_lossy = True
                log(f"warning: the env returns {self.role}s of dtype {array.dtype} for a {self.dtype} space; they "
                    f"are sent as {self.wire_name}, which changes their values (reported once)")
            array = converted
        if array.shape != self.shape:
            raise ValueError(f"the env returned a {self.role} of shape {array.shape}, its space says {self.shape}")
        return array

    def write(self, tensor, array):
        """Fills `tensor` with `array` (already of this dtype); the values keep every bit."""
        tensor.shape.extend(array.shape)
        getattr(tensor, self.field).array.extend(array.ravel().tolist())

    def decode(self, tensor, batch, check=None):
        """The action in `tensor` as an array of shape [batch,] + space shape, validated: payload dtype,
        shape, Discrete range, finite Box values. `check` (batched worlds) selects the rows whose values
        are validated: the others are ignored by the step anyway."""
        expected = self.batched_shape(batch)
        payload = tensor.WhichOneof("payload")
        if payload != self.field:
            raise RpcError(INVALID_ARGUMENT, f"action must be a {self.wire_name} tensor ({self.field} payload) of "
                           f"shape {list(expected)}, got {describe_tensor(tensor)}")
        values = np.array(getattr(tensor, payload).array, dtype=self.dtype)
        shape = tensor_shape(tensor, values.size, "action")
        if shape != expected:
            raise RpcError(INVALID_ARGUMENT, f"action has shape {list(shape)}, the action spec says {list(expected)}")
        if values.size == math.prod(shape):
            values = values.reshape(shape)
        else:  # one value for the whole tensor
            values = np.full(shape, values[0], dtype=self.dtype)
        checked = values if check is None else values[check]
        if self.discrete:
            if checked.size and (checked.min() < self.low or checked.max() > self.high):
                bad = checked[(checked < self.low) | (checked > self.high)]
                raise RpcError(INVALID_ARGUMENT, f"action {bad.ravel()[0]} is outside Discrete range "
                               f"[{self.low}, {self.high}]")
        elif not np.isfinite(checked).all():
            raise RpcError(INVALID_ARGUMENT, f"action contains non-finite values: {checked.ravel().tolist()}")
        return values


class World:
    """Envs created by CreateWorld. Only the stream that joined a world touches its envs; the registry
    lock guards who has joined it."""

    def __init__(self, name, envs, batch, action_codec, observation_codec):
        self.name = name
        self.envs = envs
        self.batch = batch  # None: a plain world of one env
        self.action_codec = action_codec
        self.observation_codec = observation_codec
        self.joined_by = None
        self.creator_gone = False  # destroy when the joined stream leaves (its creator's stream ended)
        self.specs = self._build_specs()
        self.observation_uids = frozenset(self.specs.observations)
        if batch is not None:  # the last step's results, overwritten in place by each step
            self.observations = np.zeros((batch,) + observation_codec.shape, dtype=observation_codec.dtype)
            self.rewards = np.zeros(batch, dtype=np.float64)
            self.terminated = np.zeros(batch, dtype=bool)
            self.truncated = np.zeros(batch, dtype=bool)
        self._new_sequence()

    def _build_specs(self):
        specs = pb.ActionObservationSpecs()
        batch = self.batch
        specs.actions[ACTION_UID].CopyFrom(self.action_codec.spec("action", batch))
        specs.observations[OBSERVATION_UID].CopyFrom(self.observation_codec.spec("observation", batch))
        scalar = [] if batch is None else [batch]
        specs.observations[REWARD_UID].CopyFrom(
            pb.TensorSpec(name="reward", dtype=pb.DataType.Value("DOUBLE"), shape=scalar))
        specs.observations[DISCOUNT_UID].CopyFrom(
            pb.TensorSpec(name="discount", dtype=pb.DataType.Value("DOUBLE"), shape=scalar))
        if batch is not None:
            for uid, name in ((TERMINATED_UID, "terminated"), (TRUNCATED_UID, "truncated")):
                specs.observations[uid].CopyFrom(pb.TensorSpec(name=name, dtype=pb.DataType.Value("BOOL"),
                                                               shape=scalar))
        return specs

    def _new_sequence(self, seed=None):
        """The next Step starts new episodes (with `seed`, if any); its actions are ignored."""
        self.running = False
        self.pending_seed = seed

    def on_join(self):
        self._new_sequence()

    def reset(self, seed):
        self._new_sequence(seed)

    def step(self, step_request, response):
        requested = list(dict.fromkeys(step_request.requested_observations))  # in order, duplicates dropped
        unknown = [uid for uid in requested if uid not in self.observation_uids]
        if unknown:
            raise RpcError(INVALID_ARGUMENT, f"requested observation UID(s) {unknown} are not in the specs "
                           f"(known: {sorted(self.observation_uids)})")
        action = None
        if self.running:
            actions = step_request.actions
            extra = [uid for uid in actions if uid != ACTION_UID]
            if extra:
                raise RpcError(INVALID_ARGUMENT, f"unknown action UID(s) {extra}; the action's UID is {ACTION_UID}")
            if ACTION_UID not in actions:
                raise RpcError(INVALID_ARGUMENT, f"the step has no action (UID {ACTION_UID}, 'action')")
            action = actions[ACTION_UID]
        try:
            if self.batch is None:
                self._step_single(action, requested, response.step)
            else:
                self._step_batched(action, requested, response.step)
        except RpcError:
            raise
        except Exception:
            # The env itself failed (answered INTERNAL): its state is unknown, so the next Step starts new
            # episodes (with the pending seed, if the failure was in the reset that should have used it).
            self.running = False
            raise

    def _step_single(self, action_tensor, requested, out):
        codec = self.observation_codec
        if not self.running:
            observation, _ = self.envs[0].reset(seed=self.pending_seed)
            self.pending_seed = None
            self.running = True
            reward, discount, state = 0.0, 1.0, RUNNING
        else:
            action = self.action_codec.decode(action_tensor, None)
            if self.action_codec.discrete:
                action = action[()]  # a NumPy integer scalar, as Discrete.sample() gives
            observation, reward, terminated, truncated, _ = self.envs[0].step(action)
            if terminated:
                reward, discount, state = float(reward), 0.0, TERMINATED
            elif truncated:  # cut by a time limit: the episode ends, but its value does not
                reward, discount, state = float(reward), 1.0, TERMINATED
            else:
                reward, discount, state = float(reward), 1.0, RUNNING
            self.running = state == RUNNING
        observation = codec.to_array(observation)
        out.state = state
        observations = out.observations
        for uid in requested:
            if uid == OBSERVATION_UID:
                codec.write(observations[uid], observation)
            elif uid == REWARD_UID:
                observations[uid].doubles.array.append(reward)
            elif uid == DISCOUNT_UID:
                observations[uid].doubles.array.append(discount)

    def _step_batched(self, action_tensor, requested, out):
        codec = self.observation_codec
        if not self.running:
            seed = self.pending_seed
            for i, env in enumerate(self.envs):
                observation, _ = env.reset(seed=None if seed is None else seed + i)
                self.observations[i] = codec.to_array(observation)
            self.pending_seed = None
            self.running = True
            self.rewards[:] = 0.0
            self.terminated[:] = False
            self.truncated[:] = False
        else:
            # Sub-envs whose episode ended in the previous step reset now and ignore their action.
            autoreset = self.terminated | self.truncated
            actions = self.action_codec.decode(action_tensor, self.batch, check=~autoreset)
            rewards, terminated, truncated = self.rewards, self.terminated, self.truncated
            observations = self.observations
            for i, env in enumerate(self.envs):
                if autoreset[i]:
                    observation, _ = env.reset()
                    rewards[i] = 0.0
                    terminated[i] = False
                    truncated[i] = False
                else:
                    observation, rewards[i], terminated[i], truncated[i], _ = env.step(actions[i])
                observations[i] = codec.to_array(observation)
        out.state = RUNNING
        observations = out.observations
        shape = [self.batch]
        for uid in requested:
            tensor = observations[uid]
            if uid == OBSERVATION_UID:
                codec.write(tensor, self.observations)
            elif uid == REWARD_UID:
                tensor.shape.extend(shape)
                tensor.doubles.array.extend(self.rewards.tolist())
            elif uid == DISCOUNT_UID:
                tensor.shape.extend(shape)
                tensor.doubles.array.extend(np.where(self.terminated, 0.0, 1.0).tolist())
            elif uid == TERMINATED_UID:
                tensor.shape.extend(shape)
                tensor.bools.array.extend(self.terminated.tolist())
            elif uid == TRUNCATED_UID:
                tensor.shape.extend(shape)
                tensor.bools.array.extend(self.truncated.tolist())

    def close(self):
        for env in self.envs:
            try:
                env.close()
            except Exception as e:  # closing must not take the server down
                log(f"closing an env of {self.name} failed: {type(e).__name__}: {e}")


class Registry:
    """All worlds of the server, by name."""

    def __init__(self, env_id, action_codec, observation_codec):
        self.env_id = env_id
        self.action_codec = action_codec
        self.observation_codec = observation_codec
        self.lock = threading.Lock()
        self.worlds = {}
        self._counter = itertools.count(1)
        self._prefix = secrets.token_hex(3)  # names from an earlier run of the server do not match

    def create(self, batch):
        envs = []
        try:
            for _ in range(batch or 1):
                envs.append(gymnasium.make(self.env_id))
        except Exception:
            for env in envs:
                env.close()
            raise
        with self.lock:
            name = f"world-{self._prefix}-{next(self._counter)}"
            world = World(name, envs, batch, self.action_codec, self.observation_codec)
            self.worlds[name] = world
        return world

    def join(self, name, session):
        with self.lock:
            world = self.worlds.get(name)
            if world is None:
                raise RpcError(NOT_FOUND, f"no world named '{name}'")
            if world.joined_by is not None:
                raise RpcError(FAILED_PRECONDITION, f"world '{name}' is already joined by another stream")
            world.joined_by = session
        return world

    def leave(self, world, session):
        """`session` leaves `world`; a world whose creator's stream has ended goes with it."""
        with self.lock:
            if world.joined_by is session:
                world.joined_by = None
            doomed = world.creator_gone and self.worlds.get(world.name) is world
            if doomed:
                del self.worlds[world.name]
        if doomed:
            world.close()
            return True
        return False

    def destroy(self, name, session):
        with self.lock:
            world = self.worlds.get(name)
            if world is None:
                raise RpcError(NOT_FOUND, f"no world named '{name}'")
            if world.joined_by is not None and world.joined_by is not session:
                raise RpcError(FAILED_PRECONDITION, f"world '{name}' is joined by another stream")
            del self.worlds[name]
        world.close()
        return world

    def abandon(self, world):
        """The stream that created `world` ended: destroy it now, or when the stream that joined it leaves.
        Returns whether it was destroyed now."""
        with self.lock:
            if self.worlds.get(world.name) is not world:
                return False  # already destroyed
            if world.joined_by is not None:
                world.creator_gone = True
                return False
            del self.worlds[world.name]
        world.close()
        return True

    def close_all(self):
        with self.lock:
            worlds = list(self.worlds.values())
            self.worlds.clear()
        for world in worlds:
            world.close()
        return len(worlds)


class Session:
    """One Process stream: the world it joined and the worlds it created."""

    def __init__(self, registry, peer):
        self.registry = registry
        self.peer = peer
        self.joined = None
        self.created = []
        self.closed = False
        self.lock = threading.Lock()  # requests vs. the close on stream end (another thread)
        self.handlers = {
            "create_world": self.create_world,
            "join_world": self.join_world,
            "step": self.step,
            "reset": self.reset,
            "leave_world": self.leave_world,
            "destroy_world": self.destroy_world,
            "list_property": self.list_property,
            "read_property": self.read_property,
            "write_property": self.write_property,
        }

    def handle(self, request):
        kind = request.WhichOneof("payload")
        with self.lock:
            try:
                if self.closed:
                    raise RpcError(FAILED_PRECONDITION, "the stream has ended")
                if kind is None:
                    raise RpcError(INVALID_ARGUMENT, "the request has no payload")
                handler = self.handlers.get(kind)
                if handler is None:  # reset_world, extension
                    raise RpcError(UNIMPLEMENTED, f"this server does not implement {kind}")
                return handler(getattr(request, kind))
            except RpcError as e:
                return error_response(e.code, e.message)
            except Exception as e:
                log(f"{kind} from {self.peer} failed:\n{traceback.format_exc().rstrip()}")
                return error_response(INTERNAL, f"{kind} failed in the env: {type(e).__name__}: {e}")

    def _joined_world(self, request):
        if self.joined is None:
            raise RpcError(FAILED_PRECONDITION, f"{request} before JoinWorld: this stream has joined no world")
        return self.joined

    def create_world(self, request):
        check_settings(request.settings, ["num_envs"], "CreateWorld")
        batch = None
        if "num_envs" in request.settings:
            batch = integer_setting("num_envs", request.settings["num_envs"])
            if batch < 1:
                raise RpcError(INVALID_ARGUMENT, f"setting 'num_envs' must be at least 1, got {batch}")
        world = self.registry.create(batch)
        self.created.append(world)
        return pb.EnvironmentResponse(create_world=pb.CreateWorldResponse(world_name=world.name))

    def join_world(self, request):
        check_settings(request.settings, [], "JoinWorld")
        if self.joined is not None:
            raise RpcError(FAILED_PRECONDITION, f"this stream has already joined world '{self.joined.name}'; "
                           "leave it first")
        world = self.registry.join(request.world_name, self)
        world.on_join()
        self.joined = world
        return pb.EnvironmentResponse(join_world=pb.JoinWorldResponse(specs=world.specs))

    def reset(self, request):
        world = self._joined_world("Reset")
        check_settings(request.settings, ["seed"], "Reset")
        seed = None
        if "seed" in request.settings:
            seed = integer_setting("seed", request.settings["seed"])
            if seed < 0:
                raise RpcError(INVALID_ARGUMENT, f"setting 'seed' must be a non-negative integer, got {seed}")
        world.reset(seed)
        return pb.EnvironmentResponse(reset=pb.ResetResponse(specs=world.specs))

    def step(self, request):
        world = self._joined_world("Step")
        response = pb.EnvironmentResponse()
        world.step(request, response)
        return response

    def leave_world(self, request):
        # Leaving without having joined is a harmless no-op.
        if self.joined is not None:
            world, self.joined = self.joined, None
            self.registry.leave(world, self)
        return pb.EnvironmentResponse(leave_world=pb.LeaveWorldResponse())

    def destroy_world(self, request):
        world = self.registry.destroy(request.world_name, self)
        if self.joined is world:
            self.joined = None
        if world in self.created:
            self.created.remove(world)
        return pb.EnvironmentResponse(destroy_world=pb.DestroyWorldResponse())

    # This server has no properties: listing gives none, reading or writing one is NOT_FOUND.
    def list_property(self, request):
        if request.keys:
            raise RpcError(NOT_FOUND, f"no property '{request.keys[0]}' (this server has none)")
        return pb.EnvironmentResponse(list_property=pb.ListPropertyResponse())

    def read_property(self, request):
        if request.keys:
            raise RpcError(NOT_FOUND, f"no property '{request.keys[0]}' (this server has none)")
        return pb.EnvironmentResponse(read_property=pb.ReadPropertyResponse())

    def write_property(self, request):
        if request.properties:
            raise RpcError(NOT_FOUND, f"no property '{next(iter(request.properties))}' (this server has none)")
        return pb.EnvironmentResponse(write_property=pb.WritePropertyResponse())

    def close(self):
        """The stream ended: leave the joined world and destroy the worlds this stream created. Called from
        the handler's thread and from gRPC's termination callback; the first call does the work."""
        with self.lock:
            if self.closed:
                return None
            self.closed = True
            if self.joined is not None:
                world, self.joined = self.joined, None
                self.registry.leave(world, self)
            destroyed = [world.name for world in self.created if self.registry.abandon(world)]
            self.created = []
        return destroyed


class EnvironmentService:
    def __init__(self, registry):
        self.registry = registry

    def process(self, requests, context):
        peer = urllib.parse.unquote(context.peer())  # e.g. ipv6:[::1]:51234
        session = Session(self.registry, peer)
        log(f"stream opened from {peer}")

        def on_end():
            destroyed = session.close()
            if destroyed is not None:
                note = f", destroyed {', '.join(destroyed)}" if destroyed else ""
                log(f"stream closed from {peer}{note}")

        # Runs when the RPC ends for any reason (client closed, cancelled, disconnected, server stopping).
        context.add_callback(on_end)
        try:
            for request in requests:
                yield session.handle(request)
        finally:
            on_end()

    def handler(self):
        process = grpc.stream_stream_rpc_method_handler(
            self.process,
            request_deserializer=pb.EnvironmentRequest.FromString,
            response_serializer=pb.EnvironmentResponse.SerializeToString,
        )
        return grpc.method_handlers_generic_handler(SERVICE, {"Process": process})


def codecs_for(env_id):
    """Makes the env once to read its spaces; an unsupported space ends the program here."""
    env = gymnasium.make(env_id)
    try:
        return SpaceCodec(env.action_space, "action"), SpaceCodec(env.observation_space, "observation")
    finally:
        env.close()


def bind(server, host, port):
    """Binds host:port and returns the port (the real one for port 0); 0 when it cannot."""
    try:
        return server.add_insecure_port(f"{host}:{port}")
    except RuntimeError:  # newer grpcio raises instead of returning 0
        return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve a Gymnasium environment over dm_env_rpc (gRPC).")
    parser.add_argument("--env", required=True, help="an id gymnasium.make accepts, e.g. CartPole-v1 or "
                                                     "my.module:MyEnv-v0")
    parser.add_argument("--port", type=int, required=True, help="port to listen on (0: pick a free one)")
    parser.add_argument("--host", default="[::]", help="address to bind (default [::], all interfaces, "
                                                       "falling back to 0.0.0.0 without IPv6)")
    parser.add_argument("--max-workers", type=int, default=64,
                        help="threads serving streams; each open stream holds one (default 64)")
    args = parser.parse_args(argv)
    if args.max_workers < 1:
        parser.error("--max-workers must be at least 1")

    try:
        action_codec, observation_codec = codecs_for(args.env)
    except UnsupportedSpace as e:
        log(f"cannot serve {args.env}: {e}")
        return 2
    except Exception as e:
        log(f"cannot make env {args.env!r}: {type(e).__name__}: {e}")
        return 2

    registry = Registry(args.env, action_codec, observation_codec)
    service = EnvironmentService(registry)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=args.max_workers, thread_name_prefix="dm_env_rpc"),
        handlers=[service.handler()],
        # A stream holds a worker for its lifetime: refuse streams beyond the pool (RESOURCE_EXHAUSTED)
        # instead of letting them wait silently for a free thread.
        maximum_concurrent_rpcs=args.max_workers,
    )
    port = bind(server, args.host, args.port)
    if port == 0 and args.host == "[::]":
        port = bind(server, "0.0.0.0", args.port)
    if port == 0:
        log(f"cannot listen on {args.host}:{args.port}")
        return 1

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: stop.set())
    server.start()
    print(f"serve_gymnasium: serving {args.env} over dm_env_rpc on port {port} (dm-env-rpc://localhost:{port})",
          flush=True)
    log(f"action {action_codec.wire_name}{list(action_codec.shape)}, observation "
        f"{observation_codec.wire_name}{list(observation_codec.shape)}; {args.max_workers} workers")

    stop.wait()
    log("stopping")
    server.stop(grace=1.0).wait()
    leftover = registry.close_all()
    log(f"stopped{f' ({leftover} worlds closed)' if leftover else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
