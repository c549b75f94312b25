package io.github.imitation.cli.bench;

/** Test access to the package-private wrk output parser. */
public final class WrkLoadAccess {

    private WrkLoadAccess() {
    }

    public static WrkLoad.Result parse(String out) {
        return WrkLoad.parse("wrk test", out);
    }
}
