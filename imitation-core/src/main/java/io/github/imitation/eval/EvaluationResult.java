package io.github.imitation.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;

/**
 * Returns of complete episodes and their summary. Serialized with Jackson it has the CLI's shape
 * {@code {"mean_return": .., "std_return": .., "episodes": .., "returns": [..]}} ({@code envSteps} is
 * left out of the JSON). Immutable: the returns are copied in and out.
 *
 * @param meanReturn mean of the returns
 * @param stdReturn  population standard deviation of the returns (divisor n, as numpy's {@code std} default)
 * @param episodes   number of episodes
 * @param returns    undiscounted return of each episode, in episode order
 * @param envSteps   environment steps taken in all episodes together
 */
@JsonPropertyOrder({"mean_return", "std_return", "episodes", "returns"})
public record EvaluationResult(
        @JsonProperty("mean_return") double meanReturn,
        @JsonProperty("std_return") double stdReturn,
        @JsonProperty("episodes") int episodes,
        @JsonProperty("returns") double[] returns,
        @JsonIgnore long envSteps) {

    public EvaluationResult {
        if (returns.length != episodes) {
            throw new IllegalArgumentException(episodes + " episodes but " + returns.length + " returns");
        }
        returns = returns.clone();
    }

    /** The summary of {@code returns}: mean and population standard deviation. */
    public static EvaluationResult of(double[] returns, long envSteps) {
        if (returns.length == 0) {
            throw new IllegalArgumentException("an evaluation needs at least one episode");
        }
        double sum = 0.0;
        for (double r : returns) {
            sum += r;
        }
        double mean = sum / returns.length;
        double squares = 0.0;
        for (double r : returns) {
            squares += (r - mean) * (r - mean);
        }
        return new EvaluationResult(mean, Math.sqrt(squares / returns.length), returns.length, returns, envSteps);
    }

    @Override
    public double[] returns() {
        return returns.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluationResult r && Double.compare(meanReturn, r.meanReturn) == 0
                && Double.compare(stdReturn, r.stdReturn) == 0 && episodes == r.episodes
                && Arrays.equals(returns, r.returns) && envSteps == r.envSteps;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(meanReturn, stdReturn, episodes, Arrays.hashCode(returns), envSteps);
    }

    @Override
    public String toString() {
        return "EvaluationResult(mean_return=" + meanReturn + ", std_return=" + stdReturn + ", episodes=" + episodes
                + ", returns=" + Arrays.toString(returns) + ", env_steps=" + envSteps + ")";
    }
}
