package io.github.imitation.onnx;

import io.github.imitation.env.Space;

/** The env id and spaces an ONNX model (policy or reward) is for. */
record ModelSpaces(String envId, Space observationSpace, Space actionSpace) {
}
