package bank.connect.hec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each batch the worker hands to put() to HEC as one request and returns only once HEC answered 200.
 * Any other outcome throws RetriableException: the worker keeps the batch, pauses the partitions, waits the
 * backoff given to context.timeout() and calls put() again with the same records. Offsets are committed by the
 * worker only for records whose put() returned, so nothing unacknowledged is committed (at least once: a
 * crash after HEC's 200 and before the offset commit re-sends that batch; events carry fields.kafka_position
 * = topic/partition/offset, by which duplicates can be recognised).
 */
public class HecSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(HecSinkTask.class);

    private HecSinkConfig config;
    private HttpClient client;
    private URI endpoint;
    private int failures;

    @Override
    public String version() {
        return HecSinkConfig.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new HecSinkConfig(props);
        client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.getInt(HecSinkConfig.TIMEOUT_MS)))
            .build();
        endpoint = URI.create(config.url() + "/services/collector/event");
        failures = 0;
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<String> events = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            events.add(event(record, false));
        }
        int status = send(String.join("\n", events));
        if (status == 400) {
            // A record HEC cannot parse as JSON: send the batch record by record, such a record as a string.
            for (SinkRecord record : records) {
                if (send(event(record, false)) == 400) {
                    log.warn("HEC refused {} as JSON; sent as a string event", position(record));
                    expect200(send(event(record, true)));
                }
            }
        } else {
            expect200(status);
        }
        if (failures > 0) {
            log.info("HEC acknowledged again after {} failed attempts", failures);
        }
        failures = 0;
    }

    private void expect200(int status) {
        if (status != 200) {
            retryLater("HEC answered " + status);
        }
    }

    private int send(String body) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofMillis(config.getInt(HecSinkConfig.TIMEOUT_MS)))
            .header("Authorization", "Splunk " + config.token())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 401 || status == 403) {
                log.error("HEC refused the token ({}): check splunk.hec.token; retrying", status);
            }
            return status;
        } catch (IOException e) {
            retryLater("HEC unreachable: " + e);
            return -1; // not reached
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while sending to HEC", e);
        }
    }

    private void retryLater(String why) {
        failures++;
        long initial = config.getLong(HecSinkConfig.BACKOFF_INITIAL_MS);
        long max = config.getLong(HecSinkConfig.BACKOFF_MAX_MS);
        long backoff = Math.min(max, initial << Math.min(failures - 1, 20));
        if (failures == 1 || failures % 10 == 0) {
            log.warn("{}; batch kept, retry {} in {} ms", why, failures, backoff);
        }
        context.timeout(backoff);
        throw new RetriableException(why);
    }

    static String position(SinkRecord record) {
        return record.topic() + "/" + record.kafkaPartition() + "/" + record.kafkaOffset();
    }

    String event(SinkRecord record, boolean asString) {
        Object value = record.value();
        String text = value == null ? "" : (value instanceof byte[] bytes
            ? new String(bytes, StandardCharsets.UTF_8) : value.toString());
        String trimmed = text.strip();
        String payload = !asString && trimmed.startsWith("{") && trimmed.endsWith("}") ? trimmed : quote(text);
        StringBuilder out = new StringBuilder(payload.length() + 256);
        out.append("{\"event\":").append(payload.isEmpty() || payload.equals("\"\"") ? "\"(empty)\"" : payload);
        if (record.timestamp() != null) {
            out.append(",\"time\":").append(record.timestamp() / 1000).append('.')
                .append(String.format("%03d", record.timestamp() % 1000));
        }
        out.append(",\"source\":").append(quote(config.getString(HecSinkConfig.SOURCE)));
        out.append(",\"sourcetype\":").append(quote(config.getString(HecSinkConfig.SOURCETYPE)));
        String index = config.getString(HecSinkConfig.INDEX);
        if (!index.isEmpty()) {
            out.append(",\"index\":").append(quote(index));
        }
        out.append(",\"fields\":{\"kafka_position\":").append(quote(position(record)));
        Header requestId = record.headers().lastWithName("x-request-id");
        if (requestId != null && requestId.value() != null) {
            Object id = requestId.value();
            String idText = id instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : id.toString();
            out.append(",\"request_id\":").append(quote(idText));
        }
        return out.append("}}").toString();
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void stop() {
    }
}
