package dev.overwatch.operator;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;

/** CDI producers: time as a dependency (tests reason about backoffs and schedules), leader election. */
public class ClockProducer {
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  /** QOSDK picks this bean up; election is only active in the profiles of activate-leader-election-for-profiles. */
  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(OperatorSettings settings) {
    return new LeaderElectionConfiguration(settings.leaderElectionLeaseName());
  }
}
