package io.github.imitation.k8s;
class Placeholder { io.fabric8.kubernetes.api.model.apps.Deployment d; io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget p; io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler h; io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy n; }
