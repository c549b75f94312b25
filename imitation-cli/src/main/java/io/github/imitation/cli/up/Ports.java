package io.github.imitation.cli.up;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP ports {@code up} binds: whether each is free, what holds one that is not (best effort: on Linux
 * from {@code /proc/net/tcp} and the processes' open sockets), and a free block for {@code --port-base auto}.
 */
public final class Ports {

    /** A port {@code up} will bind and what for ("expert-service", ...). */
    public record Use(int port, String what) {
    }

    /** A port that is not free, and what holds it ("pid 1234: java -jar ..." or "another process"). */
    public record Taken(int port, String what, String holder) {
    }

    /** Where a block picked by {@link #freeBlock} starts at the lowest. */
    static final int AUTO_LOWEST = 10_000;

    private static final Pattern INSTANCE_ID = Pattern.compile("-Dimitation\\.instance-id=(\\S+)");
    private static final Pattern SERVICE_JAR = Pattern.compile("([A-Za-z0-9_.-]+)/target/quarkus-app/quarkus-run\\.jar");

    private Ports() {
    }

    /**
     * Whether nothing holds {@code port}: it can be bound on every interface and on the loopback one (a
     * listener bound to 127.0.0.1 only does not always block the wildcard bind, on macOS for one).
     */
    public static boolean isFree(int port) {
        return canBind(new InetSocketAddress(port)) && canBind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private static boolean canBind(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // a closed connection's TIME_WAIT does not hold a port for a server
            socket.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The ports of {@code uses} that are not free, each with what holds it. */
    public static List<Taken> taken(List<Use> uses) {
        List<Taken> taken = new ArrayList<>();
        for (Use use : uses) {
            if (!isFree(use.port())) {
                taken.add(new Taken(use.port(), use.what(), holder(use.port())));
            }
        }
        return taken;
    }

    /**
     * The first port of {@code count} consecutive free ones, below the OS's ephemeral range (a port in that
     * range that is free now can become the local port of any outgoing connection before a service binds
     * it); the start is random, so that two callers at once rarely pick the same block.
     */
    public static int freeBlock(int count) {
        int highest = ephemeralPortRangeStart() - count;
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(AUTO_LOWEST, highest);
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                free = isFree(p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("found no " + count + " consecutive free ports between " + AUTO_LOWEST + " and "
                + (highest + count - 1) + "; give --port-base N");
    }

    /** The first port the OS hands out for outgoing connections (Linux's default where unknown). */
    static int ephemeralPortRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > AUTO_LOWEST + 2_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /**
     * What listens on {@code port}, in words: "pid N: COMMAND" where the process can be seen, "a process of
     * user U" where only its owner can, "another process" where nothing can be told (not Linux, say).
     */
    public static String holder(int port) {
        try {
            return holder(port, Path.of("/proc"));
        } catch (RuntimeException e) {
            return "another process";
        }
    }

    static String holder(int port, Path proc) {
        Set<String> inodes = new HashSet<>();
        Set<Integer> uids = new HashSet<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(proc.resolve(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !"0A".equals(f[3])) { // 0A: LISTEN
                    continue;
                }
                String local = f[1];
                int localPort = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
                if (localPort == port) {
                    inodes.add(f[9]);
                    uids.add(Integer.parseInt(f[7]));
                }
            }
        }
        if (inodes.isEmpty()) {
            return "another process";
        }
        Set<String> links = new HashSet<>();
        inodes.forEach(i -> links.add("socket:[" + i + "]"));
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path pidDir : pids) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (links.contains(Files.readSymbolicLink(fd).toString())) {
                                long pid = Long.parseLong(pidDir.getFileName().toString());
                                return "pid " + pid + ": " + describe(commandLine(pidDir));
                            }
                        } catch (IOException | UnsupportedOperationException e) {
                            // gone, or not ours to read
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process: its descriptors are not readable
                }
            }
        } catch (IOException e) {
            // no process list
        }
        int uid = uids.iterator().next();
        return "a process of user " + userName(uid, proc) + " (not visible to this user)";
    }

    private static List<String> commandLine(Path pidDir) {
        try {
            String raw = new String(Files.readAllBytes(pidDir.resolve("cmdline")), StandardCharsets.UTF_8);
            return Arrays.stream(raw.split("\0")).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * A process's command line, short: an imitation service says so (with the {@code imitation up} instance
     * that started it, where it has one); a Java program is its jar or main class; anything else as it is.
     */
    static String describe(List<String> args) {
        if (args.isEmpty()) {
            return "(command line not readable)";
        }
        String joined = String.join(" ", args);
        Matcher jar = SERVICE_JAR.matcher(joined);
        if (jar.find()) {
            Matcher instance = INSTANCE_ID.matcher(joined);
            return jar.group(1) + (instance.find() ? " of another `imitation up` (instance " + instance.group(1) + ")"
                    : " (" + abbreviate(joined) + ")");
        }
        String program = Path.of(args.get(0)).getFileName().toString();
        if (program.equals("java") || program.equals("java.exe")) {
            for (int i = 1; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("-jar") && i + 1 < args.size()) {
                    return abbreviate("java -jar " + String.join(" ", args.subList(i + 1, args.size())));
                }
                if (Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path").contains(a)) {
                    i++;
                } else if (!a.startsWith("-")) {
                    return abbreviate("java " + String.join(" ", args.subList(i, args.size())));
                }
            }
        }
        return abbreviate(joined);
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }

    private static String userName(int uid, Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolveSibling("etc").resolve("passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return f[0] + " (uid " + uid + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "uid " + uid;
    }

    /**
     * The message for ports that are taken: one line per port with what holds it, then which ports
     * {@code up} uses and the way out.
     */
    public static String refusal(List<Use> uses, List<Taken> taken) {
        StringBuilder s = new StringBuilder();
        for (Taken t : taken) {
            s.append(String.format(Locale.ROOT, "port %d (%s) is in use, held by %s%n", t.port(), t.what(), t.holder()));
        }
        int first = uses.stream().mapToInt(Use::port).min().orElse(0);
        int last = uses.stream().mapToInt(Use::port).max().orElse(0);
        s.append("nothing was started. up uses ports ").append(first).append('-').append(last).append(" (");
        for (int i = 0; i < uses.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(uses.get(i).what()).append(' ').append(uses.get(i).port());
        }
        s.append("): choose free ones with --port-base N, or let up pick a free block with --port-base auto");
        return s.toString();
    }
}
