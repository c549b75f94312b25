package io.github.imitation.data;

/**
 * A demonstration that breaks the format or the validation rules of {@code docs/demonstrations.md}.
 *
 * <p>The message is {@code "<source> line <n>: <problem>"}, e.g.
 * {@code demos.jsonl line 3: "obs" has 11 rows but "acts" has 9 (need acts + 1)}; the parts are also
 * available on their own, so a service can put them in a response or a dead-letter header. Readers throw
 * one of these for the first bad record and return nothing, so a malformed file is never half loaded.
 */
public final class InvalidDemonstrationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int lineNumber;
    private final String problem;

    /** A problem with no location yet (the validator's view: it sees one trajectory, not a file). */
    public InvalidDemonstrationException(String problem) {
        this(null, 0, problem, null);
    }

    /**
     * @param source     the file (or other origin) the record came from, or null
     * @param lineNumber the 1-based line of a JSON Lines file, or 0 when the problem is not on one line
     * @param problem    what is wrong, without the location
     */
    public InvalidDemonstrationException(String source, int lineNumber, String problem) {
        this(source, lineNumber, problem, null);
    }

    public InvalidDemonstrationException(String source, int lineNumber, String problem, Throwable cause) {
        super(format(source, lineNumber, problem), cause);
        if (lineNumber < 0) {
            throw new IllegalArgumentException("line numbers are 1-based (0 for none), got " + lineNumber);
        }
        this.source = source;
        this.lineNumber = lineNumber;
        this.problem = problem;
    }

    private static String format(String source, int lineNumber, String problem) {
        String line = lineNumber > 0 ? "line " + lineNumber : null;
        String where = source == null ? line : line == null ? source : source + " " + line;
        return where == null ? problem : where + ": " + problem;
    }

    /** The same problem, located in {@code source} at {@code lineNumber} (0 for none); keeps the cause. */
    public InvalidDemonstrationException at(String source, int lineNumber) {
        return new InvalidDemonstrationException(source, lineNumber, problem, getCause());
    }

    /** The same problem with {@code context} put in front, e.g. {@code "trajectory 2 of 5"}. */
    public InvalidDemonstrationException within(String context) {
        return new InvalidDemonstrationException(source, lineNumber, context + ": " + problem, getCause());
    }

    /** The file or other origin, or null when unknown. */
    public String source() {
        return source;
    }

    /** The 1-based line number in a JSON Lines file, or 0 when the problem is not tied to a line. */
    public int lineNumber() {
        return lineNumber;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}
