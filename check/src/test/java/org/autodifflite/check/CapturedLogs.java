package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * A test-only SLF4J provider that records INFO and above in memory, so tests can see what the
 * checker logs (check binds no logging backend, not even in tests).
 */
public final class CapturedLogs implements SLF4JServiceProvider {

    /** One logged line. */
    record Event(String logger, Level level, String message) {
    }

    private static final List<Event> EVENTS = new ArrayList<>();

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Creates the provider (SLF4J calls it through the service loader). */
    public CapturedLogs() {
    }

    /** @return the events logged so far, oldest first */
    static synchronized List<Event> events() {
        return new ArrayList<>(EVENTS);
    }

    /** Forgets the events logged so far. */
    static synchronized void clear() {
        EVENTS.clear();
    }

    private static synchronized void add(Event e) {
        EVENTS.add(e);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return Logger::new;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class Logger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        Logger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                Throwable t) {
            if (level.toInt() >= Level.INFO.toInt()) {
                add(new Event(name, level, MessageFormatter.basicArrayFormat(pattern, args)));
            }
        }
    }
}
