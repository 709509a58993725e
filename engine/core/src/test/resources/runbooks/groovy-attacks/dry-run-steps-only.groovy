// What a dry run of a Groovy body does: the body runs (so loops and conditions pick the steps), its
// step calls reach their plugins marked as a dry run, which record what they would do.
runbook {
    name 'dry-run-steps-only'
    param 'marker'
}
steps {
    def names = ['a', 'b']
    names.eachWithIndex { item, index ->
        if (item != 'x') {
            shell.exec id: "touch_${index}".toString(), command: "touch ${params.marker}"
        }
    }
}
