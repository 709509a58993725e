package dev.quench.plugin.prometheus;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One series of an instant query's answer: its labels and its value (a scalar has no labels).
 *
 * @param labels the series' labels, never null
 * @param value  the value as Prometheus sent it; may be NaN or infinite
 */
record Sample(Map<String, String> labels, double value) {

    Sample {
        labels = Map.copyOf(labels);
    }

    /** The value for a step output: a number, or the text {@code NaN}, {@code +Inf}, {@code -Inf}. */
    Object outputValue() {
        return Double.isFinite(value) ? (Object) value : format(value);
    }

    /** This series for the {@code result} output. */
    Map<String, Object> output() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("labels", labels);
        out.put("value", outputValue());
        return out;
    }

    /** {@code {job="x"} 0.25}, for messages. */
    String describe() {
        StringBuilder text = new StringBuilder("{");
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(label -> {
            if (text.length() > 1) {
                text.append(", ");
            }
            text.append(label.getKey()).append("=\"").append(label.getValue()).append('"');
        });
        return text.append("} ").append(format(value)).toString();
    }

    /** Numbers as PromQL writes them: {@code 1}, {@code 0.25}, {@code NaN}, {@code +Inf}. */
    static String format(double number) {
        if (Double.isNaN(number)) {
            return "NaN";
        }
        if (Double.isInfinite(number)) {
            return number > 0 ? "+Inf" : "-Inf";
        }
        return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
    }
}
