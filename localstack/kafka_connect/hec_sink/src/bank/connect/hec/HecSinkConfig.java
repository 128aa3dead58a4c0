package bank.connect.hec;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

public class HecSinkConfig extends AbstractConfig {
    public static final String VERSION = "1.0.0";
    public static final String URL = "splunk.hec.uri";
    public static final String TOKEN = "splunk.hec.token";
    public static final String SOURCE = "splunk.source";
    public static final String SOURCETYPE = "splunk.sourcetype";
    public static final String INDEX = "splunk.indexes";
    public static final String TIMEOUT_MS = "splunk.hec.timeout.ms";
    public static final String BACKOFF_INITIAL_MS = "splunk.hec.backoff.initial.ms";
    public static final String BACKOFF_MAX_MS = "splunk.hec.backoff.max.ms";

    public static final ConfigDef DEFINITION = new ConfigDef()
        .define(URL, Type.STRING, Importance.HIGH, "HEC base URL, e.g. https://splunk.example:8088")
        .define(TOKEN, Type.PASSWORD, Importance.HIGH, "HEC token")
        .define(SOURCE, Type.STRING, "logs.app", Importance.LOW, "HEC source of every event")
        .define(SOURCETYPE, Type.STRING, "_json", Importance.LOW, "HEC sourcetype of every event")
        .define(INDEX, Type.STRING, "", Importance.LOW, "HEC index (empty: the token's default)")
        .define(TIMEOUT_MS, Type.INT, 10000, Importance.LOW, "HTTP timeout per request")
        .define(BACKOFF_INITIAL_MS, Type.LONG, 500L, Importance.LOW, "first retry delay while HEC fails")
        .define(BACKOFF_MAX_MS, Type.LONG, 10000L, Importance.LOW, "longest retry delay while HEC fails");

    public HecSinkConfig(Map<String, String> props) {
        super(DEFINITION, props);
    }

    public String url() {
        String url = getString(URL);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public String token() {
        Password token = getPassword(TOKEN);
        return token.value();
    }
}
