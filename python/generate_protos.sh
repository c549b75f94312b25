#!/bin/sh
# Regenerates dm_env_rpc_pb2.py (the Python messages of the dm_env_rpc schema) from the project's
# single copy of the schema, imitation-core/src/main/proto/dm_env_rpc.proto. Needs protoc (3.19 or
# newer); run it from anywhere. Commit the result: the adapter does not need protoc at run time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
protoc -I"$here/../imitation-core/src/main/proto" --python_out="$here" dm_env_rpc.proto
echo "generated $here/dm_env_rpc_pb2.py"
