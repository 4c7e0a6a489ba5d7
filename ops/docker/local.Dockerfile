# chainplan:local, the chainplan command on the Debian base image of build-local-images.sh: for
# machines that cannot pull images. Build context: cli/target (the jar built on the host), e.g.
#   docker build -t chainplan:local -f ops/docker/local.Dockerfile cli/target
# Same user, entry point and settings as the multi-stage ops/docker/Dockerfile.
ARG BASE=chainplan/base:local
FROM ${BASE}
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin chainplan
COPY chainplan.jar /app/chainplan.jar
USER chainplan
ENV CHAINPLAN_JAVA_OPTS="-Xmx1g"
ENTRYPOINT ["sh", "-c", "exec java $CHAINPLAN_JAVA_OPTS -jar /app/chainplan.jar \"$@\"", "chainplan"]
CMD ["--help"]
