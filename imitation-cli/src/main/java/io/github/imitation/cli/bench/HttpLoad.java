package io.github.imitation.cli.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A closed-loop HTTP/1.1 load in the manner of {@code wrk}: {@code connections} keep-alive connections, each
 * sending the same pre-encoded POST again as soon as the previous response has been read, for a warm-up and
 * then a measured period. One thread drives every connection through one NIO selector.
 *
 * <p>Why not an HTTP client library: the load generator shares the machine's cores with the server it
 * measures, so every microsecond it spends per request is taken from the server. A general client (Vert.x's
 * took about 40% of the CPU per request here) builds header maps, request objects and futures per request;
 * this one writes the same bytes each time and reads only the status line, {@code Content-Length} and
 * {@code Connection} headers of the response, skipping its body.
 */
public final class HttpLoad {

    /**
     * What one load measured.
     *
     * @param connections         concurrent connections (= requests in flight)
     * @param requests            responses with status 200 in the measured period
     * @param errors              other responses or failures in the measured period
     * @param requestsPerSecond   successful responses per second
     * @param p50Millis           median latency, first byte sent to last byte of the response read
     * @param p99Millis           99th percentile latency
     * @param meanMillis          mean latency
     * @param cpuMicrosPerRequest CPU time of this whole process (server and load generator) per request: unlike
     *                            requests/s, it does not depend on what else the machine runs
     * @param clientCpuMicrosPerRequest CPU time of the load generator's thread per request
     */
    public record Result(int connections, long requests, long errors, double requestsPerSecond, double p50Millis,
            double p99Millis, double meanMillis, double cpuMicrosPerRequest, double clientCpuMicrosPerRequest) {
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final String host;
    private final int port;

    public HttpLoad(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Runs the load on the calling thread and returns when the measured period is over and every response is in. */
    public Result run(String path, byte[] jsonBody, int connections, Duration warmup, Duration measure) throws IOException {
        if (connections <= 0) {
            throw new IllegalArgumentException("connections must be positive, got " + connections);
        }
        byte[] request = request(path, jsonBody);
        LatencyHistogram latencies = new LatencyHistogram();
        long errors = 0;
        try (Selector selector = Selector.open()) {
            List<Connection> open = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                open.add(new Connection(selector, request));
            }
            long now = System.nanoTime();
            long measureStart = now + warmup.toNanos();
            long measureEnd = measureStart + measure.toNanos();
            boolean measuring = false;
            long cpuStart = 0;
            long clientCpuStart = 0;
            for (Connection connection : open) {
                connection.send(now);
            }
            int inFlight = connections;
            while (inFlight > 0) {
                selector.select(10);
                now = System.nanoTime();
                if (!measuring && now >= measureStart && now < measureEnd) {
                    measuring = true;
                    latencies.reset();
                    errors = 0;
                    measureStart = now;
                    cpuStart = OS.getProcessCpuTime();
                    clientCpuStart = THREADS.getCurrentThreadCpuTime();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    Outcome outcome = connection.progress(key);
                    if (outcome == Outcome.PENDING) {
                        continue;
                    }
                    long end = System.nanoTime();
                    if (measuring && end <= measureEnd) {
                        if (outcome == Outcome.OK) {
                            latencies.record(end - connection.sentAt);
                        } else {
                            errors++;
                        }
                    }
                    if (outcome == Outcome.BROKEN || connection.closeAfter) {
                        connection.reopen(selector);
                    }
                    if (end < measureEnd) {
                        connection.send(end);
                    } else {
                        connection.close();
                        inFlight--;
                    }
                }
                selector.selectedKeys().clear();
            }
            long cpu = OS.getProcessCpuTime() - cpuStart;
            long clientCpu = THREADS.getCurrentThreadCpuTime() - clientCpuStart;
            double seconds = (measureEnd - measureStart) / 1e9;
            long handled = Math.max(1, latencies.count() + errors);
            return new Result(connections, latencies.count(), errors, latencies.count() / seconds,
                    latencies.percentileMillis(0.50), latencies.percentileMillis(0.99), latencies.meanMillis(),
                    cpu / 1e3 / handled, clientCpu / 1e3 / handled);
        }
    }

    private byte[] request(String path, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    private enum Outcome { PENDING, OK, FAILED, BROKEN }

    /** One keep-alive connection: writes the request, then reads one response; touched only by the load's thread. */
    private final class Connection {

        private final ByteBuffer request;
        private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        private final byte[] header = new byte[MAX_HEADER_BYTES];
        private SocketChannel channel;
        private SelectionKey key;
        long sentAt;
        private int headerLength;
        private long bodyRemaining = -1;
        private int status;
        boolean closeAfter;

        Connection(Selector selector, byte[] request) throws IOException {
            this.request = ByteBuffer.allocateDirect(request.length).put(request).flip();
            open(selector);
        }

        private void open(Selector selector) throws IOException {
            channel = SocketChannel.open(new InetSocketAddress(host, port));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            key = channel.register(selector, 0, this);
        }

        void reopen(Selector selector) throws IOException {
            close();
            open(selector);
        }

        void close() throws IOException {
            key.cancel();
            channel.close();
        }

        void send(long now) throws IOException {
            sentAt = now;
            request.rewind();
            headerLength = 0;
            bodyRemaining = -1;
            closeAfter = false;
            in.clear();
            channel.write(request);
            key.interestOps(request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        Outcome progress(SelectionKey ready) {
            try {
                if (ready.isWritable()) {
                    channel.write(request);
                    if (!request.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    return Outcome.PENDING;
                }
                in.clear();
                int read = channel.read(in);
                if (read < 0) {
                    return Outcome.BROKEN;
                }
                in.flip();
                return consume();
            } catch (IOException | RuntimeException e) {
                return Outcome.BROKEN;
            }
        }

        /** Reads the head up to its blank line, then counts the body's bytes down. */
        private Outcome consume() {
            while (in.hasRemaining()) {
                if (bodyRemaining < 0) {
                    if (headerLength == header.length) {
                        return Outcome.BROKEN;
                    }
                    header[headerLength++] = in.get();
                    if (headerLength >= 4 && header[headerLength - 1] == '\n' && header[headerLength - 2] == '\r'
                            && header[headerLength - 3] == '\n' && header[headerLength - 4] == '\r') {
                        if (!parseHead()) {
                            return Outcome.BROKEN;
                        }
                    }
                } else {
                    int skip = (int) Math.min(bodyRemaining, in.remaining());
                    in.position(in.position() + skip);
                    bodyRemaining -= skip;
                }
                if (bodyRemaining == 0) {
                    if (in.hasRemaining()) {
                        return Outcome.BROKEN; // bytes nobody asked for: the connection is out of step
                    }
                    return status == 200 ? Outcome.OK : Outcome.FAILED;
                }
            }
            return Outcome.PENDING;
        }

        /** Status code, Content-Length and Connection: close; false for a head this load cannot follow. */
        private boolean parseHead() {
            String head = new String(header, 0, headerLength, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 ") || head.length() < 12) {
                return false;
            }
            status = Integer.parseInt(head.substring(9, 12));
            closeAfter = false;
            long length = -1;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
                    closeAfter = true;
                }
            }
            // The server under test always sends Content-Length; a chunked response is not followed here.
            bodyRemaining = length;
            return length >= 0;
        }
    }
}
