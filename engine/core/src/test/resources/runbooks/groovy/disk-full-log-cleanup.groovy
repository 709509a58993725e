// The Groovy twin of runbooks/disk-full-log-cleanup.yaml: the same metadata and the same steps,
// so both produce the same dry-run plan (GroovyRunbookTest checks it).
runbook {
    name 'disk-full-log-cleanup'
    description 'Delete rotated logs older than 7 days when a disk runs low, then verify none are left.'
    owner 'storage-team'
    manualMinutes 20
    alert matchers: ['alertname="DiskSpaceLow"', 'severity=~"warning|critical"'], status: 'firing'
    param 'logDir', site: true, default: '/var/log/app',
            description: 'directory holding the rotated logs (files in it are deleted): set per site in quench.yaml, never by a run'
    param 'maxAgeDays', default: 7, description: 'rotated logs older than this many days are deleted'
}

steps {
    def target = host(alert.labels.instance)
    ssh.exec id: 'usage_before', timeout: '30s', host: target, command: "du -sk ${params.logDir}"
    ssh.exec id: 'clean', timeout: '2m', host: target,
            command: "find ${params.logDir} -ignore_readdir_race -type f -name '*.gz' -mtime +${params.maxAgeDays} -print -delete"
}

verify {
    ssh.exec id: 'verify', timeout: '1m', every: '15s', host: host(alert.labels.instance),
            command: "! find ${params.logDir} -ignore_readdir_race -type f -name '*.gz' -mtime +${params.maxAgeDays} | grep . && du -sk ${params.logDir}"
}
