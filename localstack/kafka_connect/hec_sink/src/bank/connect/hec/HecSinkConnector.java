package bank.connect.hec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A Splunk HTTP Event Collector sink: every record of the topics (logs.app) becomes one HEC event. Splunk's own
 * connector is not published to Maven Central, so the bank ships this small one (docs/operations.md).
 * Delivery is at least once: put() returns only after HEC acknowledged the batch, so the worker commits offsets
 * only of acknowledged records; while HEC fails the batch is retried with exponential backoff, never dropped.
 */
public class HecSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return HecSinkConfig.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        new HecSinkConfig(props); // fails fast on a bad configuration
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return HecSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return HecSinkConfig.DEFINITION;
    }
}
