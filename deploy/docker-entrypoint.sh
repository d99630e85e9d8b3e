#!/bin/sh
# The container's entrypoint (deploy/Dockerfile): set BACKPROP_LAB_REPLICA, then run the
# command (by default `streamlit run app.py …`) in this shell's place.
#
# A class code's first character names the replica that owns the class
# (lab_ui/classroom/codes.py), and the class router sends the class's socket to
# `backprop-lab-<i>` (deploy/k8s/class-router.yaml).  In a StatefulSet the pod's name ends in
# its ordinal, `backprop-lab-2`, so that ordinal is the replica.  A value given in the
# environment wins; the pod's name is $POD_NAME (the manifests set it from the downward API),
# else the host name (a StatefulSet pod's host name is its name).  A name that does not end
# in `-<number>` (docker run, a Deployment's pod) leaves it unset: replica 0, a single process.
set -eu

if [ -z "${BACKPROP_LAB_REPLICA:-}" ]; then
    name="${POD_NAME:-$(hostname)}"
    case "$name" in
        *-*) ordinal="${name##*-}" ;;
        *) ordinal="" ;;
    esac
    case "$ordinal" in
        "" | *[!0-9]* | 0?*) ;;  # not an ordinal (none, not digits, or a leading zero)
        *) BACKPROP_LAB_REPLICA="$ordinal" && export BACKPROP_LAB_REPLICA ;;
    esac
fi

exec "$@"
