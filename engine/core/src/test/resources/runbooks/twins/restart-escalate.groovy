// The Groovy twin of restart-escalate.yaml: `when:` is a plain if (a step that does not run is
// not recorded), onFailure { } is onFailure:, always { } is finally: (a reserved word in Groovy).
runbook {
    name 'restart-escalate'
    param 'service', default: 'app'
}

steps {
    def check = shell.exec id: 'check', command: "systemctl is-active ${params.service}"
    if (trim(check.stdout) != 'active') {
        shell.exec id: 'restart', command: "systemctl restart ${params.service}"
    }
}

onFailure {
    shell.exec id: 'page', command: "page ${run.failedStep}: ${run.error}"
}

always {
    shell.exec id: 'unlock', command: 'rm -f /run/restart.lock'
}
