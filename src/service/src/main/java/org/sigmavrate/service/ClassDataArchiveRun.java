package org.sigmavrate.service;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;

/**
 * The run that writes the service's class-data archive (AppCDS, src/service/pom.xml): the JVM, started with
 * {@code -XX:ArchiveClassesAtExit} and {@code quarkus.appcds.generate=true}, archives every class it loaded when it
 * exits. Quarkus starts as it always does and would then serve for ever; this ends the run once the model has loaded,
 * so that the archive holds the classes of a real start (Quarkus, the Kafka clients as built, ONNX Runtime): the more
 * of them, the less each later start loads from the jars. Kafka Streams is not started in this run
 * ({@link KafkaStreamsAfterTopics}): the build has no broker. A model that fails to load ends it with exit code 1.
 */
@Singleton
class ClassDataArchiveRun {
    private static final Logger LOG = Logger.getLogger(ClassDataArchiveRun.class);

    static boolean active() {
        return ApplicationLifecycleManager.isAppCDSGeneration();
    }

    void endOnceLoaded(@Observes @Priority(Interceptor.Priority.APPLICATION + 2000) StartupEvent event,
            LoadingForecaster forecaster) {
        if (active()) {
            forecaster.whenLoaded(loaded -> {
                LOG.infof("class-data archive run: started, model %s loaded; the run ends", loaded.modelId());
                Quarkus.asyncExit(0);
            }, failure -> {
                // ForecasterBeans has logged it and ends the run with exit code 1
            });
        }
    }
}
