// Attack: @ASTTest runs its closure while the file is compiled, so validate and hot reload ran it.
@groovy.transform.ASTTest(value = { new File(System.getProperty('quench.test.marker')).text = 'compiled' })
def unused = 1
runbook { name 'ast-test' }
steps { }
